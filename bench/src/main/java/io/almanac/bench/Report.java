package io.almanac.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The results table as text, Markdown and CSV, and the latency plot as PNG (Java2D). */
public final class Report {

  private Report() {}

  public static String header(Bench.Outcome outcome, Dataset.Spec spec) {
    String revision = System.getProperty("bench.almanac.revision", "");
    return String.format(Locale.ROOT, "Run %s UTC%s, size `%s`: %,d series, %,d points; %d cores, Java %s; runtime %s.",
        outcome.finishedAt().atZone(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
        revision.isBlank() ? "" : " on Almanac " + revision, spec.name(),
        spec.series(), outcome.points(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), minutes(outcome.runtime()));
  }

  public static String markdownTable(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| id | workload | Almanac p50 | Almanac p95 | baseline p50 | baseline p95 | ratio A/B | target | result |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
    for (Row r : rows) {
      sb.append("| ").append(r.id()).append(" | ").append(r.workload()).append(" | ")
          .append(cell(r, Column.ALMANAC_P50)).append(" | ").append(cell(r, Column.ALMANAC_P95)).append(" | ")
          .append(cell(r, Column.BASELINE_P50)).append(" | ").append(cell(r, Column.BASELINE_P95)).append(" | ")
          .append(Double.isNaN(r.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.ratio())).append(" | ")
          .append(r.target()).append(" | ").append(result(r)).append(" |\n");
    }
    return sb.toString();
  }

  public static String text(Bench.Outcome outcome, Dataset.Spec spec) {
    StringBuilder sb = new StringBuilder();
    sb.append(header(outcome, spec)).append("\n\n");
    sb.append(String.format("%-4s %16s %16s %16s %16s %8s  %-6s %s%n", "id", "Almanac p50", "Almanac p95",
        "baseline p50", "baseline p95", "ratio", "result", "target"));
    for (Row r : outcome.rows()) {
      sb.append(String.format(Locale.ROOT, "%-4s %16s %16s %16s %16s %8s  %-6s %s%n", r.id(),
          cell(r, Column.ALMANAC_P50), cell(r, Column.ALMANAC_P95), cell(r, Column.BASELINE_P50),
          cell(r, Column.BASELINE_P95), Double.isNaN(r.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.ratio()),
          result(r), r.target()));
    }
    sb.append('\n').append(outcome.identical().summary()).append('\n');
    return sb.toString();
  }

  public static void write(Bench.Outcome outcome, Dataset.Spec spec, Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder md = new StringBuilder("# Almanac benchmark results (issue 4)\n\n");
    md.append(header(outcome, spec)).append(" A = Almanac (subgraphs over Iceberg, Hive Gateway),"
        + " B = the PostgreSQL baseline in `bench/` (DGS subgraph, one indexed table, same PostgreSQL server)."
        + " Loopback only, A and B alternating, warm-up excluded. Ratio = Almanac / baseline (p50 for latencies,"
        + " points per second for W1 and W2); X1 and X2 are Almanac only: export points/s over `data` points/s"
        + " (the baseline columns hold Almanac's GraphQL figures). Derived reads (R7, R8, transforms and"
        + " aggregations of the identical-data check) are compared within a relative 1e-9.\n\n");
    md.append(markdownTable(outcome.rows())).append('\n');
    md.append("**").append(outcome.identical().summary()).append("**\n\n");
    for (String m : outcome.identical().mismatches()) {
      md.append("    ").append(m.replace("\n", "\n    ")).append("\n");
    }
    md.append("Notes:\n\n");
    for (Row r : outcome.rows()) {
      if (!r.note().isBlank()) {
        md.append("- ").append(r.id()).append(": ").append(r.note()).append('\n');
      }
    }
    for (String n : outcome.notes()) {
      md.append("- ").append(n).append('\n');
    }
    md.append("\n![latency](latency.png)\n");
    if (!outcome.concurrency().isEmpty()) {
      md.append("\n## Throughput under concurrency (T1, T2)\n\nThrough each side's gateway, closed-loop clients;"
          + " ratio = Almanac req/s / baseline req/s (higher is better). Target: >= 1.2 at 16 and 64 clients with"
          + " Almanac's p95 no worse, no errors.\n\n");
      md.append(concurrencyTable(outcome.concurrency()));
      md.append("\n![concurrency](concurrency.png)\n");
      plotConcurrency(outcome.concurrency(), dir.resolve("concurrency.png"), header(outcome, spec));
    }
    Files.writeString(dir.resolve("results.md"), md.toString());

    StringBuilder csv = new StringBuilder(
        "id,workload,unit,almanac_p50,almanac_p95,baseline_p50,baseline_p95,ratio,target,result,note\n");
    for (Row r : outcome.rows()) {
      csv.append(String.join(",", r.id(), quote(r.workload()), r.unit(), num(r.almanacP50()), num(r.almanacP95()),
          num(r.baselineP50()), num(r.baselineP95()), num(r.ratio()), quote(r.target()), result(r), quote(r.note())))
          .append('\n');
    }
    Files.writeString(dir.resolve("results.csv"), csv.toString());
    plot(outcome.rows(), dir.resolve("latency.png"), header(outcome, spec));
  }

  /** T1/T2 per concurrency level (Markdown). */
  static String concurrencyTable(List<Concurrency.Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| id | clients | Almanac req/s | p50 | p95 | p99 | baseline req/s | p50 | p95 | p99 | ratio | errors |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Concurrency.Result r : results) {
      for (Concurrency.Level l : r.levels()) {
        Concurrency.Measure a = l.almanac();
        Concurrency.Measure b = l.baseline();
        sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s | %,.0f | %s | %s | %s | %.2f | %d |%n",
            r.id(), l.clients(), a.requestsPerSecond(), ms(a.p50()), ms(a.p95()), ms(a.p99()), b.requestsPerSecond(),
            ms(b.p50()), ms(b.p95()), ms(b.p99()), a.requestsPerSecond() / b.requestsPerSecond(),
            a.errors() + b.errors()));
      }
    }
    return sb.toString();
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f ms" : v >= 10 ? "%.1f ms" : "%.2f ms", v);
  }

  /**
   * Two panels drawn like {@link #plot}: requests per second (linear) and p95 (ms, log scale) against the
   * number of clients (log scale), Almanac and baseline in latency.png's colours, T1 solid, T2 dashed.
   */
  static void plotConcurrency(List<Concurrency.Result> results, Path file, String subtitle) throws IOException {
    int width = 1200;
    int height = 560;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("Almanac vs PostgreSQL baseline under concurrency, through each side's gateway", 90, 32);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(subtitle, 90, 54);
    int top = 90;
    int bottom = height - 100;
    double maxRate = 1;
    double minP95 = 1;
    double maxP95 = 10;
    for (Concurrency.Result r : results) {
      for (Concurrency.Level l : r.levels()) {
        maxRate = Math.max(maxRate, Math.max(l.almanac().requestsPerSecond(), l.baseline().requestsPerSecond()));
        for (double v : new double[] {l.almanac().p95(), l.baseline().p95()}) {
          if (!Double.isNaN(v) && v > 0) {
            minP95 = Math.min(minP95, v);
            maxP95 = Math.max(maxP95, v);
          }
        }
      }
    }
    double rateTop = niceCeiling(maxRate);
    double lo = Math.floor(Math.log10(minP95));
    double hi = Math.ceil(Math.log10(maxP95));
    int[] lefts = {90, 660};
    int panel = 480;
    String[] titles = {"requests per second", "p95 latency (ms, log scale)"};
    for (int p = 0; p < 2; p++) {
      int left = lefts[p];
      int right = left + panel;
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.setColor(Color.BLACK);
      g.drawString(titles[p], left, top - 12);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      if (p == 0) {
        for (int k = 0; k <= 5; k++) {
          double v = rateTop * k / 5;
          int y = (int) Math.round(bottom - v / rateTop * (bottom - top));
          gridLine(g, left, right, y, String.format(Locale.ROOT, "%,.0f", v));
        }
      } else {
        for (double e = lo; e <= hi; e++) {
          double v = Math.pow(10, e);
          gridLine(g, left, right, y(v, lo, hi, top, bottom), e >= 0 ? String.format("%,d", (long) v) : String.valueOf(v));
        }
      }
      g.setColor(Color.BLACK);
      g.drawLine(left, top, left, bottom);
      g.drawLine(left, bottom, right, bottom);
      for (int i = 0; i < Concurrency.LEVELS.length; i++) {
        int x = clientsX(i, left, right);
        String label = Concurrency.LEVELS[i] + " clients";
        g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 20);
      }
      for (Concurrency.Result r : results) {
        boolean dashed = !r.id().equals("T1");
        for (int side = 0; side < 2; side++) {
          g.setColor(side == 0 ? new Color(31, 119, 180) : new Color(255, 127, 14));
          g.setStroke(dashed ? new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10,
              new float[] {8, 6}, 0) : new BasicStroke(2.5f));
          int px = -1;
          int py = -1;
          for (int i = 0; i < r.levels().size(); i++) {
            Concurrency.Measure m = side == 0 ? r.levels().get(i).almanac() : r.levels().get(i).baseline();
            int x = clientsX(i, left, right);
            int y = p == 0 ? (int) Math.round(bottom - m.requestsPerSecond() / rateTop * (bottom - top))
                : y(m.p95(), lo, hi, top, bottom);
            g.fillOval(x - 4, y - 4, 8, 8);
            if (px >= 0) {
              g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
          }
          g.drawString(r.id(), px + 8, py + 4);
        }
      }
      g.setStroke(new BasicStroke(1));
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(new Color(31, 119, 180));
    g.fillRect(90, height - 45, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("Almanac", 110, height - 33);
    g.setColor(new Color(255, 127, 14));
    g.fillRect(200, height - 45, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("PostgreSQL baseline", 220, height - 33);
    g.drawString("solid: T1 (reads), dashed: T2 (reads with 10% uploads); closed-loop clients, each side behind its"
        + " own Hive Gateway", 390, height - 33);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void gridLine(Graphics2D g, int left, int right, int y, String label) {
    g.setColor(new Color(225, 225, 225));
    g.drawLine(left, y, right, y);
    g.setColor(Color.DARK_GRAY);
    g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
  }

  /** Levels 4, 16, 64 are evenly spaced: a log scale of the number of clients. */
  private static int clientsX(int i, int left, int right) {
    return left + 40 + i * (right - left - 80) / Math.max(1, Concurrency.LEVELS.length - 1);
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  /** Grouped bars (p50) with p95 whiskers on a log scale, Almanac and baseline side by side. */
  static void plot(List<Row> rows, Path file, String subtitle) throws IOException {
    List<Row> latency = rows.stream().filter(r -> r.unit().equals("ms")).toList();
    int width = 1200;
    int height = 640;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int left = 90;
    int right = width - 30;
    int top = 80;
    int bottom = height - 110;
    double min = 0.1;
    double max = 10;
    for (Row r : latency) {
      for (double v : new double[] {r.almanacP50(), r.almanacP95(), r.baselineP50(), r.baselineP95()}) {
        if (!Double.isNaN(v) && v > 0) {
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
      }
    }
    double lo = Math.floor(Math.log10(min));
    double hi = Math.ceil(Math.log10(max));
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("Almanac vs PostgreSQL baseline: request latency (ms, log scale; bar = p50, whisker = p95)", left, 32);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(subtitle, left, 54);
    g.setStroke(new BasicStroke(1));
    for (double e = lo; e <= hi; e++) {
      int y = y(Math.pow(10, e), lo, hi, top, bottom);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      String label = e >= 0 ? String.format("%,d", (long) Math.pow(10, e)) : String.valueOf(Math.pow(10, e));
      g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    g.setColor(Color.BLACK);
    g.drawLine(left, top, left, bottom);
    g.drawLine(left, bottom, right, bottom);
    Color almanac = new Color(31, 119, 180);
    Color base = new Color(255, 127, 14);
    int groups = Math.max(1, latency.size());
    int groupWidth = (right - left) / groups;
    int bar = Math.min(70, groupWidth / 3);
    for (int i = 0; i < latency.size(); i++) {
      Row r = latency.get(i);
      int x0 = left + i * groupWidth + groupWidth / 2 - bar;
      bar(g, x0, bar, r.almanacP50(), r.almanacP95(), almanac, lo, hi, top, bottom);
      bar(g, x0 + bar, bar, r.baselineP50(), r.baselineP95(), base, lo, hi, top, bottom);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      String label = r.id() + (Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, "  %.2fx", r.ratio()));
      g.drawString(label, left + i * groupWidth + (groupWidth - g.getFontMetrics().stringWidth(label)) / 2, bottom + 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      String res = result(r);
      g.setColor(res.equals("PASS") ? new Color(0, 128, 0) : new Color(190, 0, 0));
      g.drawString(res, left + i * groupWidth + (groupWidth - g.getFontMetrics().stringWidth(res)) / 2, bottom + 40);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(almanac);
    g.fillRect(left, height - 45, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("Almanac", left + 20, height - 33);
    g.setColor(base);
    g.fillRect(left + 110, height - 45, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("PostgreSQL baseline", left + 130, height - 33);
    g.drawString("ratio = Almanac p50 / baseline p50 under each group", left + 300, height - 33);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void bar(Graphics2D g, int x, int w, double p50, double p95, Color color, double lo, double hi,
      int top, int bottom) {
    if (Double.isNaN(p50)) {
      return;
    }
    int y = y(p50, lo, hi, top, bottom);
    g.setColor(color);
    g.fillRect(x + 2, y, w - 4, bottom - y);
    if (!Double.isNaN(p95)) {
      int y95 = y(p95, lo, hi, top, bottom);
      g.setColor(Color.BLACK);
      int cx = x + w / 2;
      g.drawLine(cx, y, cx, y95);
      g.drawLine(cx - 6, y95, cx + 6, y95);
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    String text = p50 >= 100 ? String.format("%.0f", p50) : String.format(Locale.ROOT, "%.2g", p50);
    g.drawString(text, x + (w - g.getFontMetrics().stringWidth(text)) / 2, y - 3);
  }

  private static int y(double value, double lo, double hi, int top, int bottom) {
    double v = Math.log10(Math.max(value, Math.pow(10, lo)));
    return (int) Math.round(bottom - (v - lo) / (hi - lo) * (bottom - top));
  }

  enum Column { ALMANAC_P50, ALMANAC_P95, BASELINE_P50, BASELINE_P95 }

  static String cell(Row r, Column column) {
    double v = switch (column) {
      case ALMANAC_P50 -> r.almanacP50();
      case ALMANAC_P95 -> r.almanacP95();
      case BASELINE_P50 -> r.baselineP50();
      case BASELINE_P95 -> r.baselineP95();
    };
    boolean primary = column == Column.ALMANAC_P50 || column == Column.BASELINE_P50;
    if (Double.isNaN(v)) {
      // Almanac's figure missing: it did not answer (a field or endpoint not there yet); the note says how.
      return column == Column.ALMANAC_P50 ? "not available" : "-";
    }
    return switch (r.unit()) {
      case "export" -> switch (column) {
        case ALMANAC_P50 -> String.format(Locale.ROOT, "%,.0f pts/s", v);
        case ALMANAC_P95 -> String.format(Locale.ROOT, "gateway %,.0f pts/s", v);
        case BASELINE_P50 -> String.format(Locale.ROOT, "GraphQL %,.0f pts/s", v);
        case BASELINE_P95 -> String.format(Locale.ROOT, "GraphQL gateway %,.0f pts/s", v);
      };
      case "heap" -> primary ? String.format("%.0f MiB peak", v) : String.format("%.0f MiB before", v);
      case "ms", "ms added" -> String.format(Locale.ROOT, v >= 100 ? "%.0f ms" : v >= 10 ? "%.1f ms" : "%.2f ms", v);
      case "req/s" -> primary ? String.format(Locale.ROOT, "%,.0f req/s", v)
          : String.format(Locale.ROOT, v >= 100 ? "p95 %.0f ms" : "p95 %.1f ms", v);
      case "pts/s" -> primary ? String.format(Locale.ROOT, "%,.0f pts/s", v)
          : String.format(Locale.ROOT, "batch %,.0f ms", v);
      case "files" -> primary ? String.format("%.0f data files", v) : String.format("%.0f delete files", v);
      case "MiB" -> primary ? String.format("%.0f MiB peak", v) : String.format("%.0f MiB live", v);
      default -> String.valueOf(v);
    };
  }

  static String result(Row r) {
    return r.pass() == null ? "n/a" : r.pass() ? "PASS" : "FAIL";
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  static String minutes(Duration d) {
    return String.format("%d min %02d s", d.toMinutes(), d.toSecondsPart());
  }
}
