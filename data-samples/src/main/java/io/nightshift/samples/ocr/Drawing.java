package io.nightshift.samples.ocr;

import io.nightshift.samples.OutputFiles;
import io.nightshift.samples.SampleGenerationException;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Java2D helpers shared by the line and page generators: text, noise, blur, rotation, files. */
final class Drawing {
  private Drawing() {}

  /** JPEG quality of the samples written as JPEG (ImageIO's scale, 0 to 1). */
  static final float JPEG_QUALITY = 0.9f;

  /** The rendering context every text is measured and drawn with (grey anti-aliasing, no LCD). */
  static final FontRenderContext CONTEXT = new FontRenderContext(null, true, true);

  /** A white-ish canvas of the given size. */
  static BufferedImage canvas(int width, int height, Color background) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(background);
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The layout of {@code text} in {@code font}: its advance and its ascent and descent. */
  static TextLayout layout(String text, Font font) {
    return new TextLayout(text, font, CONTEXT);
  }

  /**
   * Draws {@code text} with its baseline's left end at ({@code x}, {@code baseline}); returns the
   * ink box (pixels, rounded outwards).
   */
  static Rectangle2D draw(BufferedImage image, String text, Font font, Color ink, int x, int baseline) {
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setColor(ink);
      TextLayout layout = new TextLayout(text, font, g.getFontRenderContext());
      layout.draw(g, x, baseline);
      Rectangle2D bounds = layout.getBounds();
      return new Rectangle2D.Double(
          Math.floor(x + bounds.getX()),
          Math.floor(baseline + bounds.getY()),
          Math.ceil(bounds.getWidth()) + 1,
          Math.ceil(bounds.getHeight()) + 1);
    } finally {
      g.dispose();
    }
  }

  /** Adds Gaussian noise of standard deviation {@code sigma} (0–255 scale) to every channel. */
  static void noise(BufferedImage image, Random random, double sigma) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = clamp(((rgb >> 16) & 0xff) + random.nextGaussian() * sigma);
        int g = clamp(((rgb >> 8) & 0xff) + random.nextGaussian() * sigma);
        int b = clamp((rgb & 0xff) + random.nextGaussian() * sigma);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** A 3×3 box blur (edges kept as they are). */
  static BufferedImage blur(BufferedImage image) {
    float[] box = new float[9];
    java.util.Arrays.fill(box, 1f / 9f);
    ConvolveOp op = new ConvolveOp(new Kernel(3, 3, box), ConvolveOp.EDGE_NO_OP, null);
    return op.filter(image, null);
  }

  /** The image turned by 180° (upside down). */
  static BufferedImage rotate180(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage turned = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        turned.setRGB(w - 1 - x, h - 1 - y, image.getRGB(x, y));
      }
    }
    return turned;
  }

  /** Writes {@code image} as PNG or JPEG, by {@code target}'s extension. */
  static void write(BufferedImage image, Path target) {
    String name = target.getFileName().toString();
    OutputFiles.write(
        target,
        file -> {
          if (name.endsWith(".png")) {
            if (!ImageIO.write(image, "png", file.toFile())) {
              throw new SampleGenerationException("no PNG writer for %s", target);
            }
          } else if (name.endsWith(".jpg")) {
            writeJpeg(image, file);
          } else {
            throw new SampleGenerationException("unknown image extension: %s", target);
          }
        });
  }

  private static void writeJpeg(BufferedImage image, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
