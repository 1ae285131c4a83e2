package io.almanac.financial.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * How the search index and queries cut text into words: Unicode word boundaries (Lucene's
 * {@link StandardTokenizer}), lower case, accents folded to ASCII ({@code Crédito} is {@code credito}). No stop
 * words and no stemming: a search box matches words and their starts, and a stop word list would make
 * {@code "index of"} mean something else than it says.
 */
final class SearchAnalyzer extends Analyzer {

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer tokenizer = new StandardTokenizer();
    TokenStream stream = new ASCIIFoldingFilter(new LowerCaseFilter(tokenizer));
    return new TokenStreamComponents(tokenizer, stream);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new ASCIIFoldingFilter(new LowerCaseFilter(in));
  }

  /** The words of {@code text} as the index holds them. */
  List<String> words(String text) {
    List<String> words = new ArrayList<>();
    try (TokenStream stream = tokenStream("", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        words.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException("Analysing text in memory failed", e);
    }
    return words;
  }

  /** {@code text} lower-cased and folded as one value (for sort keys and exact comparisons). */
  String fold(String text) {
    return normalize("", text).utf8ToString();
  }
}
