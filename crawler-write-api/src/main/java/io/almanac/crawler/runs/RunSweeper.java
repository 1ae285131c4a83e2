package io.almanac.crawler.runs;

import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Marks runs whose crawler never called finishRun as FAILED, with the reason. */
@Component
class RunSweeper {

  private static final Logger log = LoggerFactory.getLogger(RunSweeper.class);

  private final RunService runs;

  RunSweeper(RunService runs) {
    this.runs = runs;
  }

  @Scheduled(fixedDelayString = "${almanac.runs.sweep-interval:30s}", initialDelayString = "${almanac.runs.sweep-interval:30s}")
  void sweep() {
    int failed = runs.sweep(OffsetDateTime.now());
    if (failed > 0) {
      log.info("Marked {} timed-out runs FAILED", failed);
    }
  }
}
