package io.nightshift.samples.ocr;

import io.nightshift.samples.ocr.TextFonts.Script;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Renders {@value #COUNT} single text lines, English and Chinese alternately, for the recognition
 * and orientation models, and writes {@code truth.csv} beside them: {@code path,text,angle}.
 *
 * <p>Line {@code i} (from 0) is English when {@code i} is even ({@link #ENGLISH}{@code [i / 2]}),
 * Chinese when odd ({@link #CHINESE}{@code [i / 2]}); by {@code i % 5} it is clean (0), noisy (1),
 * blurred (2), noisy and blurred (3) or turned by 180° (4, angle 180: 8 lines); {@code i % 4 == 3}
 * is written as JPEG (quality {@value Drawing#JPEG_QUALITY}), the rest as PNG. Font size (24–40
 * px), margins, paper and ink grey come from {@code java.util.Random} seeded with {@value #SEED}:
 * the same JDK draws the same pixels every time.
 */
public final class TextLines extends TextImageSet {
  static final int COUNT = 40;
  static final long SEED = 20261130L;

  static final List<String> ENGLISH =
      List.of(
          "Invoice 2024-0117 total due 384.50 EUR",
          "Nightly batch scored 12,480 rows",
          "Deliver to 42 Harbour Road, Leith",
          "The quick brown fox jumps over the lazy dog",
          "Order #7731 shipped on 3 March",
          "Meeting moved to Thursday at 10:30",
          "Temperature 21.5 C, humidity 48%",
          "Call 0131 496 0821 after 6 pm",
          "Batch inference on Apache Spark",
          "Receipt: coffee 3.20, bread 2.75",
          "Warehouse B, shelf 14, bin 6",
          "Please sign and return by Friday",
          "Model v4 reads printed text",
          "Page 3 of 12",
          "Net weight 500 g",
          "Platform 9 departs 17:45",
          "Serial number KX-55091-B",
          "Keep refrigerated below 5 C",
          "Total items: 27",
          "Open daily from 8 am to 8 pm");

  static final List<String> CHINESE =
      List.of(
          "今天的天气很好",
          "请在周五之前付款",
          "北京市海淀区中关村大街",
          "订单已经发货",
          "每天晚上批量处理数据",
          "发票号码20240117",
          "会议改到星期四上午十点",
          "总金额：三百八十四元",
          "欢迎光临本店",
          "请保持安静",
          "火车九点四十五分出发",
          "仓库B区第十四号货架",
          "本产品需要冷藏保存",
          "识别印刷体文字",
          "营业时间早八点到晚八点",
          "第三页共十二页",
          "上海市南京东路一百号",
          "谢谢你的帮助",
          "数据已经保存成功",
          "明天下午开会");

  /** Draws with {@code fonts}, checks every text against {@code keys}, writes into {@code dir}. */
  public TextLines(TextFonts fonts, Path keys, Path dir) {
    super(fonts, keys, dir, COUNT);
  }

  @Override
  public String name() {
    return "OCR text lines";
  }

  @Override
  String imageName(int i) {
    return fileName(i);
  }

  static String fileName(int i) {
    return String.format("line-%02d.%s", i, i % 4 == 3 ? "jpg" : "png");
  }

  @Override
  public void generate() throws IOException {
    Set<Integer> alphabet = Truth.alphabet(keys);
    Random random = new Random(SEED);
    StringBuilder truth = new StringBuilder(Truth.record(Truth.LINES_HEADER.toArray()));
    for (int i = 0; i < COUNT; i++) {
      boolean english = i % 2 == 0;
      String text = english ? ENGLISH.get(i / 2) : CHINESE.get(i / 2);
      Truth.checkSpellable(text, alphabet);
      Font font = fonts.font(english ? Script.LATIN : Script.CHINESE, 24 + random.nextInt(17));
      int padX = 6 + random.nextInt(10);
      int padY = 4 + random.nextInt(6);
      int paper = 220 + random.nextInt(36);
      int ink = random.nextInt(60);
      TextLayout layout = Drawing.layout(text, font);
      int width = (int) Math.ceil(layout.getAdvance()) + 2 * padX;
      int height = (int) Math.ceil(layout.getAscent() + layout.getDescent()) + 2 * padY;
      BufferedImage image = Drawing.canvas(width, height, new Color(paper, paper, paper));
      Drawing.draw(
          image, text, font, new Color(ink, ink, ink), padX, padY + Math.round(layout.getAscent()));
      int variant = i % 5;
      if (variant == 1 || variant == 3) {
        Drawing.noise(image, random, 10);
      }
      if (variant == 2 || variant == 3) {
        image = Drawing.blur(image);
      }
      int angle = 0;
      if (variant == 4) {
        image = Drawing.rotate180(image);
        angle = 180;
      }
      Drawing.write(image, dir.resolve(fileName(i)));
      truth.append(Truth.record(fileName(i), text, angle));
    }
    writeTruth(truth);
  }
}
