package io.nightshift.samples.ocr;

import io.nightshift.samples.ocr.TextFonts.Script;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.TextLayout;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Renders {@value #COUNT} small pages of several text lines each, for detection then recognition,
 * and writes {@code truth.csv} beside them: {@code path,line,x,y,width,height,text}, one row per
 * line, the box being the line's ink bounds in pixels (x, y of the top-left corner).
 *
 * <p>Pages are 800 px wide, white, with lines 28–34 px high at a random left margin (40–120 px)
 * and 60–80 px apart; page 2 is a JPEG (quality {@value Drawing#JPEG_QUALITY}) and page 3 has
 * Gaussian noise. Seeded with {@value #SEED}.
 */
public final class TextPages extends TextImageSet {
  static final int COUNT = 4;
  static final long SEED = 20261201L;
  static final int WIDTH = 800;

  /** Each page's lines, and whether it is drawn in the Chinese font. */
  private static final List<List<String>> PAGES =
      List.of(
          List.of(
              "Nightshift delivery note",
              "Order #7731 shipped on 3 March",
              "Deliver to 42 Harbour Road, Leith",
              "Total items: 27"),
          List.of("每天晚上批量处理数据", "发票号码20240117", "总金额：三百八十四元", "谢谢你的帮助"),
          List.of("Warehouse B, shelf 14, bin 6", "仓库B区第十四号货架", "Keep refrigerated below 5 C"),
          List.of(
              "Meeting notes",
              "Meeting moved to Thursday at 10:30",
              "Batch inference on Apache Spark",
              "Please sign and return by Friday",
              "Page 3 of 12"));

  /** Draws with {@code fonts}, checks every text against {@code keys}, writes into {@code dir}. */
  public TextPages(TextFonts fonts, Path keys, Path dir) {
    super(fonts, keys, dir, COUNT);
  }

  @Override
  public String name() {
    return "OCR pages";
  }

  @Override
  String imageName(int i) {
    return fileName(i);
  }

  static String fileName(int i) {
    return String.format("page-%d.%s", i, i == 2 ? "jpg" : "png");
  }

  @Override
  public void generate() throws IOException {
    Set<Integer> alphabet = Truth.alphabet(keys);
    Random random = new Random(SEED);
    StringBuilder truth = new StringBuilder(Truth.record(Truth.PAGES_HEADER.toArray()));
    for (int p = 0; p < COUNT; p++) {
      List<String> lines = PAGES.get(p);
      int height = 60 + 80 * lines.size();
      BufferedImage page = Drawing.canvas(WIDTH, height, Color.WHITE);
      int baseline = 30;
      for (int l = 0; l < lines.size(); l++) {
        String text = lines.get(l);
        Truth.checkSpellable(text, alphabet);
        boolean chinese = text.codePoints().anyMatch(c -> c > 0x2e80);
        Font font = fonts.font(chinese ? Script.CHINESE : Script.LATIN, 28 + random.nextInt(7));
        TextLayout layout = Drawing.layout(text, font);
        baseline += (int) Math.ceil(layout.getAscent()) + 20 + random.nextInt(21);
        int x = 40 + random.nextInt(81);
        Rectangle2D box = Drawing.draw(page, text, font, Color.BLACK, x, baseline);
        truth.append(
            Truth.record(
                fileName(p),
                l,
                (int) box.getX(),
                (int) box.getY(),
                (int) box.getWidth(),
                (int) box.getHeight(),
                text));
        baseline += (int) Math.ceil(layout.getDescent());
      }
      if (p == 3) {
        Drawing.noise(page, random, 8);
      }
      Drawing.write(page, dir.resolve(fileName(p)));
    }
    writeTruth(truth);
  }
}
