package dev.l2caf.eval;

import dev.l2caf.method.Method;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/** A picture of the mean deletion and insertion curves of each method, side by side, drawn with Java2D. */
public final class CurvePlot {
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 560;
  private static final int PANEL_WIDTH = 500;
  private static final int PANEL_HEIGHT = 380;
  private static final int TOP = 80;
  private static final int[] LEFT = {90, 690};
  private static final Map<Method, Color> BASELINE_COLORS = Map.of(
      Method.CAM, new Color(0x1F77B4), Method.GRADCAM, new Color(0x2CA02C), Method.RANDOM, new Color(0x7F7F7F));
  /** L2-CAF's rows, in report order: reds, oranges, purples and browns, apart from the baselines' colors. */
  private static final Color[] L2CAF_COLORS = {new Color(0xD62728), new Color(0xFF7F0E), new Color(0x9467BD),
      new Color(0x8C564B), new Color(0xE377C2), new Color(0xBCBD22), new Color(0x17BECF), new Color(0x393B79)};
  private static final Stroke SOLID = new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  private static final Stroke DASHED = new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10,
      new float[] {9, 6}, 0);

  private CurvePlot() {}

  /** Both panels for a report, with its setting in the title. */
  public static BufferedImage render(EvalReport report) {
    List<EvalReport.Summary> summaries = report.summaries();
    double top = 0;
    for (EvalReport.Summary s : summaries) {
      for (int k = 0; k <= Perturbation.STEPS; k++) {
        top = Math.max(top, Math.max(s.meanDeletionCurve()[k], s.meanInsertionCurve()[k]));
      }
    }
    // A shared y range in steps of 0.05, so the two panels can be compared by eye.
    double yMax = Math.max(0.05, Math.ceil(top * 20 - 1e-9) / 20);

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    centered(g, String.format("Mean class probability while pixels are blurred or revealed, most salient first (%s,"
        + " %d pairs)", report.model(), report.pairs().size()), WIDTH / 2, 32);
    drawPanel(g, LEFT[0], "Deletion (lower AUC = more faithful)", "fraction of pixels blurred", yMax, summaries,
        true);
    drawPanel(g, LEFT[1], "Insertion (higher AUC = more faithful)", "fraction of pixels revealed", yMax, summaries,
        false);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    centered(g, String.format("%d images; %d steps; pixels of the %dx%d model input replaced by (deletion) or revealed"
        + " over (insertion) a Gaussian blur, sigma %.0f px", report.images(), Perturbation.STEPS, report.inputWidth(),
        report.inputHeight(), report.blurSigma()), WIDTH / 2, HEIGHT - 12);
    g.dispose();
    return image;
  }

  private static void drawPanel(Graphics2D g, int left, String title, String xLabel, double yMax,
      List<EvalReport.Summary> summaries, boolean deletion) {
    int bottom = TOP + PANEL_HEIGHT;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(Color.BLACK);
    centered(g, title, left + PANEL_WIDTH / 2, TOP - 12);

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    g.setStroke(new BasicStroke(1));
    for (int i = 0; i <= 4; i++) {
      double fraction = i / 4.0;
      int x = left + (int) Math.round(fraction * PANEL_WIDTH);
      g.setColor(new Color(0xE6E6E6));
      g.drawLine(x, TOP, x, bottom);
      g.setColor(Color.BLACK);
      g.drawLine(x, bottom, x, bottom + 5);
      centered(g, String.format("%.0f%%", fraction * 100), x, bottom + 7 + fm.getAscent());
    }
    double yStep = yMax <= 0.4 ? 0.05 : yMax <= 0.8 ? 0.1 : 0.2;
    for (int i = 0; i * yStep <= yMax + 1e-9; i++) {
      double v = i * yStep;
      int y = bottom - (int) Math.round(v / yMax * PANEL_HEIGHT);
      g.setColor(new Color(0xE6E6E6));
      g.drawLine(left, y, left + PANEL_WIDTH, y);
      g.setColor(Color.BLACK);
      g.drawLine(left - 5, y, left, y);
      String label = String.format("%.2f", v);
      g.drawString(label, left - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    g.drawRect(left, TOP, PANEL_WIDTH, PANEL_HEIGHT);
    centered(g, xLabel + ", most salient first", left + PANEL_WIDTH / 2, bottom + 42);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    centered(g, "mean probability of the class", -(TOP + PANEL_HEIGHT / 2), left - 52);
    g.setTransform(saved);

    int legendY = TOP + 22;
    int l2cafRows = 0;
    for (EvalReport.Summary s : summaries) {
      double[] curve = deletion ? s.meanDeletionCurve() : s.meanInsertionCurve();
      Path2D.Double path = new Path2D.Double();
      for (int k = 0; k < curve.length; k++) {
        double x = left + (double) k / Perturbation.STEPS * PANEL_WIDTH;
        double y = bottom - curve[k] / yMax * PANEL_HEIGHT;
        if (k == 0) {
          path.moveTo(x, y);
        } else {
          path.lineTo(x, y);
        }
      }
      Method method = s.method().method();
      Color color = method == Method.L2CAF ? L2CAF_COLORS[l2cafRows++ % L2CAF_COLORS.length]
          : BASELINE_COLORS.get(method);
      Stroke stroke = method == Method.RANDOM ? DASHED : SOLID;
      g.setColor(color);
      g.setStroke(stroke);
      g.draw(path);
      // Legend in the corner the curves leave free: top right for deletion, top left for insertion.
      int legendX = deletion ? left + PANEL_WIDTH - 270 : left + 15;
      g.drawLine(legendX, legendY - 5, legendX + 30, legendY - 5);
      g.setColor(Color.BLACK);
      g.drawString(String.format("%s  AUC %.3f", s.method().label(), deletion ? s.deletionAuc() : s.insertionAuc()),
          legendX + 38, legendY);
      legendY += 22;
    }
    g.setStroke(new BasicStroke(1));
  }

  private static void centered(Graphics2D g, String text, int x, int baseline) {
    g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
  }
}
