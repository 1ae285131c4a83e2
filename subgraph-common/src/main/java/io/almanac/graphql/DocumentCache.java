package io.almanac.graphql;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Parsed and validated operations by their text, the most recently used {@link #MAX_DOCUMENTS}:
 * clients send the same few operations with different variables, and parsing plus validation was
 * about a sixth of the CPU of a 2,520-point read. Documents that fail validation are not kept, so
 * their errors are reported as before.
 */
@Component
public class DocumentCache implements PreparsedDocumentProvider {

  static final int MAX_DOCUMENTS = 1000;

  private final Map<String, PreparsedDocumentEntry> documents = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparsedDocumentEntry> eldest) {
      return size() > MAX_DOCUMENTS;
    }
  };

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
      Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    String query = input.getQuery();
    PreparsedDocumentEntry entry;
    synchronized (documents) {
      entry = documents.get(query);
    }
    if (entry == null) {
      entry = parseAndValidate.apply(input);
      if (!entry.hasErrors()) {
        synchronized (documents) {
          documents.put(query, entry);
        }
      }
    }
    return CompletableFuture.completedFuture(entry);
  }

  /** Operations held, for tests. */
  public int size() {
    synchronized (documents) {
      return documents.size();
    }
  }
}
