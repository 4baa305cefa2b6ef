package dev.taskdrivers.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws p50, p90 and p99 of task start latency per driver as grouped bars on a logarithmic axis (drivers differ by
 * orders of magnitude: a process starts in milliseconds, a VM boots in seconds). Rendered without a display.
 */
public final class LatencyChart {
    private static final double[] PERCENTILES = {50, 90, 99};
    private static final Color[] COLORS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756)};

    private LatencyChart() {}

    /** Writes the chart as a PNG; nothing is written when there are no samples. */
    public static boolean write(List<LatencySamples> samples, String subtitle, Path png) throws IOException {
        if (samples.isEmpty()) {
            return false;
        }
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double smallest = Double.MAX_VALUE;
        double largest = 0;
        for (LatencySamples s : samples) {
            String category = s.driver() + " (n=" + s.count() + ")";
            for (double p : PERCENTILES) {
                // a log axis cannot show 0: a sub-microsecond sample is drawn at 1 µs
                double ms = Math.max(s.percentileMillis(p), 0.001);
                data.addValue(ms, "p" + (int) p, category);
                smallest = Math.min(smallest, ms);
                largest = Math.max(largest, ms);
            }
        }
        LogAxis valueAxis = new LogAxis("start latency, ms (log scale)");
        valueAxis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        valueAxis.setSmallestValue(0.001);
        // one tick per power of ten with minor ticks between; auto ticks land on unreadable values like 3,981.072
        valueAxis.setTickUnit(new NumberTickUnit(1.0));
        valueAxis.setMinorTickMarksVisible(true);
        valueAxis.setMinorTickCount(9);
        valueAxis.setRange(smallest / 2, largest * 3);
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        // bars grow from the bottom of the log axis instead of from 0, which a log axis cannot place
        bars.setBase(smallest / 2);
        bars.setIncludeBaseInRange(false);
        for (int i = 0; i < COLORS.length; i++) {
            bars.setSeriesPaint(i, COLORS[i]);
            bars.setSeriesOutlineStroke(i, new BasicStroke(0f));
        }
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0.#")));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        bars.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        CategoryAxis driverAxis = new CategoryAxis("driver");
        driverAxis.setCategoryMargin(0.25);
        driverAxis.setMaximumCategoryLabelLines(3);
        CategoryPlot plot = new CategoryPlot(data, driverAxis, valueAxis, bars);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Task start latency per driver", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        int width = Math.max(900, 180 * samples.size() + 200);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, 560);
        return true;
    }
}
