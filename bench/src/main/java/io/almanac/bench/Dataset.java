package io.almanac.bench;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's deterministic dataset (fixed seed): series are generated on demand from their index,
 * so 10M points never sit in memory at once.
 *
 * <ul>
 *   <li>index 0: one long "intraday-like" series, one point per day, one vintage (R4);
 *   <li>index 1: a monthly series with many vintages (1,000 at default size), each revising a window of
 *       recent dates (R6);
 *   <li>15% of the others (index % 20 in {3, 10, 17}): monthly since 1985 with 2 to 7 vintages per date
 *       (first release, then revisions);
 *   <li>the rest: 2,520 business days (ten years, to 2024-12-31), published the same day (R1, R2, R3, R5).
 * </ul>
 * About 0.1% of values are missing (null), and every 50th daily series ends with a missing value, so
 * {@code latest} has to skip it.
 */
public final class Dataset {

  public enum Kind { LONG, VINTAGES, REVISED, DAILY }

  public record Spec(String name, int series, int longPoints, int vintageCount, int vintageWindow,
      int vintageDates, int dailyPoints, int monthlyDates) {}

  public static final Spec DEFAULT = new Spec("default", 4_000, 100_000, 1_000, 100, 500, 2_520, 480);
  public static final Spec QUICK = new Spec("quick", 100, 10_000, 100, 20, 50, 2_520, 480);

  public static Spec spec(String name) {
    return switch (name) {
      case "default" -> DEFAULT;
      case "quick" -> QUICK;
      default -> throw new IllegalArgumentException("--size is quick or default, got " + name);
    };
  }

  /** The points of one series, sorted by (date, revision date); values as decimal text, null = missing. */
  public record SeriesPoints(int index, Kind kind, int[] dates, int[] revisions, String[] values) {
    public int size() {
      return dates.length;
    }

    /** Number of distinct dates (rows of the latest view). */
    public int distinctDates() {
      int n = 0;
      for (int i = 0; i < dates.length; i++) {
        if (i == 0 || dates[i] != dates[i - 1]) {
          n++;
        }
      }
      return n;
    }
  }

  private static final long SEED = 0x41_6c_6d_61_6e_61_63L; // "Almanac"
  private static final int LAST_DAY = (int) LocalDate.of(2024, 12, 31).toEpochDay();

  private final Spec spec;
  private final int[] businessDays;

  public Dataset(Spec spec) {
    this.spec = spec;
    this.businessDays = businessDaysEndingAt(LAST_DAY, spec.dailyPoints());
  }

  public Spec spec() {
    return spec;
  }

  public int seriesCount() {
    return spec.series();
  }

  public static Kind kind(int index) {
    if (index == 0) {
      return Kind.LONG;
    }
    if (index == 1) {
      return Kind.VINTAGES;
    }
    int m = index % 20;
    return m == 3 || m == 10 || m == 17 ? Kind.REVISED : Kind.DAILY;
  }

  /** Indices of the plain daily series, ascending. */
  public List<Integer> dailyIndices() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < spec.series(); i++) {
      if (kind(i) == Kind.DAILY) {
        out.add(i);
      }
    }
    return out;
  }

  public List<Integer> revisedIndices() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < spec.series(); i++) {
      if (kind(i) == Kind.REVISED) {
        out.add(i);
      }
    }
    return out;
  }

  public SeriesPoints series(int index) {
    SplittableRandom random = new SplittableRandom(SEED ^ (index * 0x9E3779B97F4A7C15L));
    return switch (kind(index)) {
      case LONG -> longSeries(index, random);
      case VINTAGES -> vintages(index, random);
      case REVISED -> revised(index, random);
      case DAILY -> daily(index, random);
    };
  }

  /** Total number of points (generates every series once; a few seconds at default size). */
  public long totalPoints() {
    long n = 0;
    for (int i = 0; i < spec.series(); i++) {
      n += series(i).size();
    }
    return n;
  }

  /** Revision date of vintage {@code v} of the many-vintage series. */
  public static LocalDate vintageDate(int v) {
    return LocalDate.of(2020, 1, 1).plusDays(v);
  }

  /** Dates of the many-vintage series published by vintage {@code v} or earlier (dates 0 to this, exclusive). */
  public static int vintageDatesKnown(Spec spec, int v) {
    return (int) ((long) spec.vintageDates() * (v + 1) / spec.vintageCount());
  }

  private SeriesPoints longSeries(int index, SplittableRandom random) {
    int n = spec.longPoints();
    int[] dates = new int[n];
    String[] values = new String[n];
    long unscaled = 1_000_000; // 100.0000, scale 4
    for (int i = 0; i < n; i++) {
      dates[i] = LAST_DAY - n + 1 + i;
      unscaled = Math.max(1, unscaled + Math.round(random.nextGaussian() * 800));
      values[i] = random.nextInt(1000) == 0 ? null : decimal(unscaled, 4);
    }
    return new SeriesPoints(index, Kind.LONG, dates, dates.clone(), values);
  }

  private SeriesPoints vintages(int index, SplittableRandom random) {
    int dateCount = spec.vintageDates();
    int vintageCount = spec.vintageCount();
    int window = spec.vintageWindow();
    LocalDate firstMonth = LocalDate.of(1980, 1, 1);
    int[] monthDays = new int[dateCount];
    long[] truth = new long[dateCount];
    long level = 50_000; // 500.00, scale 2
    for (int j = 0; j < dateCount; j++) {
      monthDays[j] = (int) firstMonth.plusMonths(j).toEpochDay();
      level = Math.max(100, level + Math.round(random.nextGaussian() * 300));
      truth[j] = level;
    }
    List<long[]> rows = new ArrayList<>(); // {date index, vintage, unscaled}
    for (int v = 0; v < vintageCount; v++) {
      int known = vintageDatesKnown(spec, v);
      for (int j = Math.max(0, known - window); j < known; j++) {
        rows.add(new long[] {j, v, truth[j] + Math.round(random.nextGaussian() * 40)});
      }
    }
    rows.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int n = rows.size();
    int[] dates = new int[n];
    int[] revisions = new int[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      long[] r = rows.get(i);
      dates[i] = monthDays[(int) r[0]];
      revisions[i] = (int) vintageDate((int) r[1]).toEpochDay();
      values[i] = decimal(r[2], 2);
    }
    return new SeriesPoints(index, Kind.VINTAGES, dates, revisions, values);
  }

  private SeriesPoints revised(int index, SplittableRandom random) {
    int months = spec.monthlyDates();
    LocalDate first = LocalDate.of(1985, 1, 1);
    int scale = index % 2 == 0 ? 1 : 3;
    long step = scale == 1 ? 10 : 1_000;
    long level = (200 + index % 300) * step;
    int[] dates = new int[months * 7];
    int[] revisions = new int[months * 7];
    String[] values = new String[months * 7];
    int n = 0;
    for (int j = 0; j < months; j++) {
      LocalDate month = first.plusMonths(j);
      level = Math.max(step, level + Math.round(random.nextGaussian() * step));
      int release = (int) month.plusMonths(1).withDayOfMonth(14).toEpochDay();
      int vintages = 2 + random.nextInt(6);
      for (int k = 0; k < vintages; k++) {
        dates[n] = (int) month.toEpochDay();
        revisions[n] = release + 30 * k + (k == 0 ? 0 : random.nextInt(10));
        long noise = k == vintages - 1 ? 0 : Math.round(random.nextGaussian() * step / 2);
        // A first release is sometimes missing and filled in by the revision.
        values[n] = k == 0 && random.nextInt(500) == 0 ? null : decimal(level + noise, scale);
        n++;
      }
    }
    return new SeriesPoints(index, Kind.REVISED, Arrays.copyOf(dates, n), Arrays.copyOf(revisions, n),
        Arrays.copyOf(values, n));
  }

  private SeriesPoints daily(int index, SplittableRandom random) {
    int n = businessDays.length;
    int scale = 2 + index % 3;
    long unit = (long) Math.pow(10, scale);
    long unscaled = (20 + index % 500) * unit;
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      unscaled = Math.max(1, unscaled + Math.round(random.nextGaussian() * unit / 2));
      values[i] = random.nextInt(1000) == 0 ? null : decimal(unscaled, scale);
    }
    if (index % 50 == 7) {
      values[n - 1] = null;
      values[n - 2] = null;
    }
    return new SeriesPoints(index, Kind.DAILY, businessDays.clone(), businessDays.clone(), values);
  }

  private static int[] businessDaysEndingAt(int lastDay, int count) {
    int[] days = new int[count];
    int day = lastDay;
    for (int i = count - 1; i >= 0; day--) {
      DayOfWeek dow = LocalDate.ofEpochDay(day).getDayOfWeek();
      if (dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY) {
        days[i--] = day;
      }
    }
    return days;
  }

  /** {@code unscaled / 10^scale} as plain decimal text. */
  static String decimal(long unscaled, int scale) {
    boolean negative = unscaled < 0;
    String digits = Long.toString(Math.abs(unscaled));
    if (scale > 0) {
      if (digits.length() <= scale) {
        digits = "0".repeat(scale - digits.length() + 1) + digits;
      }
      digits = digits.substring(0, digits.length() - scale) + "." + digits.substring(digits.length() - scale);
    }
    return negative ? "-" + digits : digits;
  }
}
