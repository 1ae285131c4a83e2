package io.almanac.users;

/** A reference to a series; the router resolves its fields from the financial subgraph. */
public record Series(String id) {}
