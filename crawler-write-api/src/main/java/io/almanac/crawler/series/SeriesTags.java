package io.almanac.crawler.series;

import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.SERIESINPUT;
import io.almanac.crawler.generated.DgsConstants.TAGINPUT;
import io.almanac.crawler.generated.types.TagInput;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import io.almanac.store.SeriesTag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks and normalises the tags a crawler gives a series ({@code SeriesInput.tags}): trimmed, inner white
 * space collapsed, lower-cased (as FRED's tag names are, so filters and counts need no case rules), a name
 * given twice kept once (the first). Bounds keep one series' row and the search index small.
 */
final class SeriesTags {

  static final int MAX_TAGS = 50;
  static final int MAX_NAME_LENGTH = 100;
  static final int MAX_GROUP_LENGTH = 50;

  private static final Pattern SPACES = Pattern.compile("\\s+");

  private SeriesTags() {}

  /**
   * The stored form of {@code given}, the tags of input {@code index}.
   *
   * @throws AlmanacGraphQLException BAD_USER_INPUT naming {@code input[index].tags[j].name} (or {@code .group})
   *     for an empty name, a name or group too long or holding a control character; LIMIT_EXCEEDED past
   *     {@link #MAX_TAGS} tags
   */
  static List<SeriesTag> normalize(List<TagInput> given, int index) {
    String argument = MUTATION.UPSERTSERIES_INPUT_ARGUMENT.Input + "[" + index + "]." + SERIESINPUT.Tags;
    if (given.size() > MAX_TAGS) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, "At most " + MAX_TAGS + " tags per series, got "
          + given.size(), Map.of("argument", argument, "max", MAX_TAGS));
    }
    List<SeriesTag> tags = new ArrayList<>(given.size());
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < given.size(); j++) {
      TagInput tag = given.get(j);
      String at = argument + "[" + j + "].";
      String name = clean(tag.getName(), at + TAGINPUT.Name, MAX_NAME_LENGTH);
      if (name.isEmpty()) {
        throw AlmanacGraphQLException.badInput(at + TAGINPUT.Name, "A tag name must not be empty");
      }
      String group = tag.getGroup() == null ? null : clean(tag.getGroup(), at + TAGINPUT.Group, MAX_GROUP_LENGTH);
      if (seen.add(name)) {
        tags.add(new SeriesTag(name, group == null || group.isEmpty() ? null : group));
      }
    }
    return tags;
  }

  private static String clean(String text, String argument, int maxLength) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // Tabs and line ends become spaces below; every other control character (U+0000 to U+001F,
      // U+007F to U+009F, the separators U+001C to U+001F included) is refused.
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        throw AlmanacGraphQLException.badInput(argument, "Tag text must not hold control characters (U+"
            + String.format("%04X", (int) c) + " at " + i + ")");
      }
    }
    String cleaned = SPACES.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    if (cleaned.length() > maxLength) {
      throw AlmanacGraphQLException.badInput(argument, "At most " + maxLength + " characters, got "
          + cleaned.length());
    }
    return cleaned;
  }
}
