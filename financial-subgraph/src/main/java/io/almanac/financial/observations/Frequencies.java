package io.almanac.financial.observations;

import io.almanac.financial.generated.types.Frequency;

/** What the steps need to know of a {@link Frequency}: its order, its periods per year, its period length. */
final class Frequencies {

  /** FRED's table, by source rank (rows) and target rank - 1 (columns); 0 where no aggregation exists. */
  private static final int[][] MINIMUM_OBSERVATIONS = {
      // to: WEEKLY, BIWEEKLY, MONTHLY, QUARTERLY, SEMIANNUAL, ANNUAL
      {4, 8, 17, 52, 104, 208}, // from DAILY
      {0, 2, 3, 10, 20, 39}, // from WEEKLY
      {0, 0, 2, 7, 13, 26}, // from BIWEEKLY
      {0, 0, 0, 3, 6, 12}, // from MONTHLY
      {0, 0, 0, 0, 2, 4}, // from QUARTERLY
      {0, 0, 0, 0, 0, 2}, // from SEMIANNUAL
      {0, 0, 0, 0, 0, 0}, // from ANNUAL
  };

  private Frequencies() {}

  /** 0 for DAILY up to 6 for ANNUAL: a larger rank is a lower frequency. */
  static int rank(Frequency frequency) {
    return switch (frequency) {
      case DAILY -> 0;
      case WEEKLY -> 1;
      case BIWEEKLY -> 2;
      case MONTHLY -> 3;
      case QUARTERLY -> 4;
      case SEMIANNUAL -> 5;
      case ANNUAL -> 6;
    };
  }

  /** n of FRED's annualized transforms: DAILY 260 (business days), WEEKLY 52 ... ANNUAL 1 (FRED's units docs). */
  static int periodsPerYear(Frequency frequency) {
    return switch (frequency) {
      case DAILY -> 260;
      case WEEKLY -> 52;
      case BIWEEKLY -> 26;
      case MONTHLY -> 12;
      case QUARTERLY -> 4;
      case SEMIANNUAL -> 2;
      case ANNUAL -> 1;
    };
  }

  /** The longest period of the frequency, in days: how far back a step may have to look for one observation. */
  static int longestPeriodDays(Frequency frequency) {
    return switch (frequency) {
      case DAILY -> 1;
      case WEEKLY -> 7;
      case BIWEEKLY -> 14;
      case MONTHLY -> 31;
      case QUARTERLY -> 92;
      case SEMIANNUAL -> 184;
      case ANNUAL -> 366;
    };
  }

  /** True when "a year ago" is the observation dated a year earlier rather than n observations back. */
  static boolean yearAgoByDate(Frequency frequency) {
    return rank(frequency) <= rank(Frequency.BIWEEKLY);
  }

  /**
   * FRED's minimum number of observations for the first and last period when aggregating {@code own}
   * to the lower frequency {@code target} (FRED help, "How are Missing Values Determined for First/Last
   * Observations?", https://fredhelp.stlouisfed.org/fred/data/understanding-the-data/how-are-missing-values-determined-for-the-first-and-last-observations-3/).
   * Daily and weekly thresholds are below a full period (holidays); from monthly and lower every
   * period of the source must be there.
   *
   * @throws IllegalArgumentException unless {@code target} is a lower frequency than {@code own}
   */
  static int minimumObservations(Frequency own, Frequency target) {
    int threshold = rank(target) == 0 ? 0 : MINIMUM_OBSERVATIONS[rank(own)][rank(target) - 1];
    if (threshold == 0) {
      throw new IllegalArgumentException(target + " is not a lower frequency than " + own);
    }
    return threshold;
  }
}
