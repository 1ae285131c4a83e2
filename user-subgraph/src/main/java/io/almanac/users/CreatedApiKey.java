package io.almanac.users;

public record CreatedApiKey(ApiKey apiKey, String secret) {}
