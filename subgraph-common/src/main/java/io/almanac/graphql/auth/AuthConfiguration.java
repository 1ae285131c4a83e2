package io.almanac.graphql.auth;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AuthSettings.class, OidcSettings.class})
public class AuthConfiguration {}
