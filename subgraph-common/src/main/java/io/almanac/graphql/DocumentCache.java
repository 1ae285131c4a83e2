package io.almanac.graphql;

import graphql.ExecutionInput;
import graphql.GraphqlErrorBuilder;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.language.Argument;
import graphql.language.Directive;
import graphql.language.Document;
import graphql.language.Node;
import graphql.language.VariableReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Parsed and validated operations by their text, the most recently used {@link #MAX_DOCUMENTS}:
 * clients send the same few operations with different variables, and parsing plus validation was
 * about a sixth of the CPU of a 2,520-point read. Documents that fail validation are not kept, so
 * their errors are reported as before.
 *
 * <p>It also refuses, as a request error ({@code BAD_USER_INPUT} with {@code argument: "if"} and the
 * {@code variable}), a request that gives {@code null} to a variable an {@code @skip(if:)} or
 * {@code @include(if:)} uses ({@code query($s: Boolean = true) { a @skip(if: $s) }} with {@code s: null}):
 * GraphQL makes that an error, and graphql-java 25 threw a NullPointerException for it (HTTP 500).
 */
@Component
public class DocumentCache implements PreparsedDocumentProvider {

  static final int MAX_DOCUMENTS = 1000;

  /** A valid document and the variables its {@code @skip}/{@code @include} conditions use (often none). */
  private record Parsed(PreparsedDocumentEntry entry, Set<String> conditionVariables) {}

  private final Map<String, Parsed> documents = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Parsed> eldest) {
      return size() > MAX_DOCUMENTS;
    }
  };

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
      Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    String query = input.getQuery();
    Parsed parsed;
    synchronized (documents) {
      parsed = documents.get(query);
    }
    if (parsed == null) {
      PreparsedDocumentEntry entry = parseAndValidate.apply(input);
      if (entry.hasErrors()) {
        return CompletableFuture.completedFuture(entry);
      }
      parsed = new Parsed(entry, conditionVariables(entry.getDocument()));
      synchronized (documents) {
        documents.put(query, parsed);
      }
    }
    Map<String, Object> variables = input.getVariables();
    for (String name : parsed.conditionVariables()) {
      if (variables.containsKey(name) && variables.get(name) == null) {
        return CompletableFuture.completedFuture(new PreparsedDocumentEntry(GraphqlErrorBuilder.newError()
            .message("Variable '%s' is null, but @skip(if:) and @include(if:) take true or false: send a boolean, "
                + "or leave the variable out to use its default", name)
            .extensions(Map.of("code", ErrorCode.BAD_USER_INPUT.name(), "argument", "if", "variable", name))
            .build()));
      }
    }
    return CompletableFuture.completedFuture(parsed.entry());
  }

  /** The variables used as the {@code if} of an {@code @skip} or {@code @include} anywhere in the document. */
  static Set<String> conditionVariables(Document document) {
    Set<String> names = new TreeSet<>();
    @SuppressWarnings("rawtypes")
    Deque<Node> pending = new ArrayDeque<>(document.getDefinitions());
    while (!pending.isEmpty()) {
      Node<?> node = pending.pop();
      if (node instanceof Directive directive
          && (directive.getName().equals("skip") || directive.getName().equals("include"))) {
        Argument condition = directive.getArgument("if");
        if (condition != null && condition.getValue() instanceof VariableReference variable) {
          names.add(variable.getName());
        }
        continue;
      }
      pending.addAll(node.getChildren());
    }
    return names;
  }

  /** Operations held, for tests. */
  public int size() {
    synchronized (documents) {
      return documents.size();
    }
  }
}
