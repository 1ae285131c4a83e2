package io.almanac.crawler.releases;

import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.DgsConstants.RELEASEINPUT;
import io.almanac.crawler.generated.types.ReleaseInput;
import io.almanac.crawler.series.SeriesRegistry;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.graphql.Ids;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Releases and their calendar: the rules; storage in {@link ReleaseRepository}. */
@Service
public class ReleaseService {

  /**
   * Longest {@code releaseCalendar} range in days, both ends included: five years (of 366 days), what a
   * planning view asks.
   */
  public static final int MAX_CALENDAR_DAYS = 366 * 5;
  static final int MAX_DATES_PER_CALL = 1_000;
  private static final int MAX_NAME = 500;
  private static final int MAX_TEXT = 10_000;

  private final ReleaseRepository releases;
  private final SeriesRegistry registry;

  public ReleaseService(ReleaseRepository releases, SeriesRegistry registry) {
    this.releases = releases;
    this.registry = registry;
  }

  /**
   * @throws AlmanacGraphQLException BAD_USER_INPUT naming {@code input.providerId} (no such provider),
   *     {@code input.name} (blank or over 500 characters), {@code input.link} (not an http or https URL),
   *     {@code input.link}/{@code input.notes} (over 10,000)
   */
  public Release upsert(ReleaseInput input) {
    String argument = MUTATION.UPSERTRELEASE_INPUT_ARGUMENT.Input + ".";
    Long providerId = Ids.parse(input.getProviderId());
    if (providerId == null || registry.existingProviders(List.of(providerId)).isEmpty()) {
      throw AlmanacGraphQLException.badInput(argument + RELEASEINPUT.ProviderId,
          "No provider with id '" + input.getProviderId() + "'");
    }
    String name = input.getName().strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw AlmanacGraphQLException.badInput(argument + RELEASEINPUT.Name, "name must be 1 to " + MAX_NAME
          + " characters");
    }
    checkLength(input.getLink(), argument + RELEASEINPUT.Link);
    checkLink(input.getLink(), argument + RELEASEINPUT.Link);
    checkLength(input.getNotes(), argument + RELEASEINPUT.Notes);
    return releases.upsert(providerId, name, input.getLink(), input.getNotes());
  }

  /**
   * @param dates as sent (this subgraph's {@code Date} keeps the text)
   * @throws AlmanacGraphQLException NOT_FOUND (no such release), BAD_USER_INPUT naming {@code dates}
   *     (a malformed date; more than 1,000)
   */
  public Release schedule(String releaseId, List<?> dates) {
    Release release = existing(releaseId, MUTATION.SCHEDULERELEASEDATES_INPUT_ARGUMENT.ReleaseId);
    String argument = MUTATION.SCHEDULERELEASEDATES_INPUT_ARGUMENT.Dates;
    if (dates.size() > MAX_DATES_PER_CALL) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "At most " + MAX_DATES_PER_CALL
          + " dates per call, got " + dates.size(), Map.of("argument", argument, "max", MAX_DATES_PER_CALL));
    }
    List<LocalDate> parsed = new ArrayList<>(dates.size());
    for (Object date : dates) {
      parsed.add(date(date, argument));
    }
    if (!parsed.isEmpty()) {
      releases.schedule(release.numericId(), parsed);
    }
    return release;
  }

  /**
   * @throws AlmanacGraphQLException BAD_USER_INPUT naming {@code from}/{@code to} (malformed), {@code to}
   *     (before {@code from}, or a range of more than {@link #MAX_CALENDAR_DAYS} days, both ends included)
   */
  public List<CalendarDate> calendar(Object from, Object to, String providerId) {
    LocalDate start = date(from, QUERY.RELEASECALENDAR_INPUT_ARGUMENT.From);
    LocalDate end = date(to, QUERY.RELEASECALENDAR_INPUT_ARGUMENT.To);
    if (end.isBefore(start)) {
      throw AlmanacGraphQLException.badInput(QUERY.RELEASECALENDAR_INPUT_ARGUMENT.To,
          "to (" + end + ") is before from (" + start + ")");
    }
    long days = ChronoUnit.DAYS.between(start, end) + 1; // both ends included
    if (days > MAX_CALENDAR_DAYS) {
      throw AlmanacGraphQLException.badInput(QUERY.RELEASECALENDAR_INPUT_ARGUMENT.To,
          "The range may hold at most " + MAX_CALENDAR_DAYS + " days (both ends included), got " + days);
    }
    Long provider = null;
    if (providerId != null) {
      provider = Ids.parse(providerId);
      if (provider == null) {
        return List.of();
      }
    }
    return releases.calendar(null, provider, start, end);
  }

  /** The release an upload names, checked before anything is written. */
  public Optional<Release> find(String releaseId) {
    Long id = Ids.parse(releaseId);
    return id == null ? Optional.empty() : releases.find(id);
  }

  private Release existing(String releaseId, String argument) {
    return find(releaseId).orElseThrow(() -> new AlmanacGraphQLException(ErrorCode.NOT_FOUND,
        "No release with id '" + releaseId + "'", Map.of("argument", argument)));
  }

  /**
   * A date argument as sent: {@code yyyy-MM-dd} of a year from 1 to 9999, else BAD_USER_INPUT naming
   * {@code argument}. Calendars hold publication days; years outside that range would not survive
   * PostgreSQL's date (jOOQ reads a date before year 1 back without its era).
   */
  public static LocalDate date(Object text, String argument) {
    LocalDate date;
    try {
      date = LocalDate.parse(String.valueOf(text));
    } catch (DateTimeParseException e) {
      throw AlmanacGraphQLException.badInput(argument, "Invalid date '" + text + "': expected yyyy-MM-dd");
    }
    if (!isCalendarDate(date)) {
      throw AlmanacGraphQLException.badInput(argument, "Date '" + text + "' is outside years 1 to 9999");
    }
    return date;
  }

  /** Whether a release calendar can hold {@code date} (years 1 to 9999). */
  public static boolean isCalendarDate(LocalDate date) {
    return date.getYear() >= 1 && date.getYear() <= 9999;
  }

  /** The release's page: shown to people as a link, so only http(s) (never javascript:, data: or ftp:). */
  private static void checkLink(String link, String argument) {
    if (link == null) {
      return;
    }
    try {
      URI uri = new URI(link.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw AlmanacGraphQLException.badInput(argument, "link must be an http or https URL (https://host/...)");
  }

  private static void checkLength(String text, String argument) {
    if (text != null && text.length() > MAX_TEXT) {
      throw AlmanacGraphQLException.badInput(argument, "At most " + MAX_TEXT + " characters");
    }
  }
}
