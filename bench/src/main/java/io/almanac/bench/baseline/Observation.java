package io.almanac.bench.baseline;

import java.math.BigDecimal;
import java.time.LocalDate;

/** One stored vintage of one date. */
public record Observation(LocalDate date, BigDecimal value, LocalDate revisionDate) {}
