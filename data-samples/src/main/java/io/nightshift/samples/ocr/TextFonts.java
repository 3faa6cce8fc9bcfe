package io.nightshift.samples.ocr;

import io.nightshift.samples.SampleGenerationException;
import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two TrueType fonts the OCR samples are drawn with, loaded with {@link Font#createFont} from
 * the unpacked npm packages (no system font is used, so the images do not depend on the machine's
 * fonts): DejaVu Sans ({@code dejavu-fonts-ttf}) for Latin text and Noto Sans SC ({@code
 * @expo-google-fonts/noto-sans-sc}, weight 400) for Chinese. Loaded once, on first use.
 */
public final class TextFonts {
  private final Path latinFile;
  private final Path chineseFile;
  private Font latin;
  private Font chinese;

  public TextFonts(Path latinFile, Path chineseFile) {
    this.latinFile = latinFile;
    this.chineseFile = chineseFile;
  }

  /** The font for {@code script} at {@code size} points (1 point = 1 pixel here). */
  Font font(Script script, float size) {
    return switch (script) {
      case LATIN -> latin().deriveFont(size);
      case CHINESE -> chinese().deriveFont(size);
    };
  }

  private synchronized Font latin() {
    if (latin == null) {
      latin = load(latinFile);
    }
    return latin;
  }

  private synchronized Font chinese() {
    if (chinese == null) {
      chinese = load(chineseFile);
    }
    return chinese;
  }

  private static Font load(Path file) {
    try {
      return Font.createFont(Font.TRUETYPE_FONT, file.toFile());
    } catch (IOException | FontFormatException e) {
      throw new SampleGenerationException(e, "cannot load the font %s: %s", file, e.getMessage());
    }
  }

  /** Which font a text is drawn with. */
  enum Script {
    LATIN,
    CHINESE
  }
}
