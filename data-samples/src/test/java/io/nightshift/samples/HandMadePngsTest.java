package io.nightshift.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class HandMadePngsTest {

  @Test
  void blackDecodesToBlackPixels() throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(HandMadePngs.black(101, 100)));
    assertThat(image.getWidth()).isEqualTo(101);
    assertThat(image.getHeight()).isEqualTo(100);
    assertThat(image.getRGB(0, 0) & 0xffffff).isZero();
    assertThat(image.getRGB(100, 99) & 0xffffff).isZero();
  }

  @Test
  void aBombIsSmall() {
    assertThat(HandMadePngs.black(30_000, 30_000).length).isBetween(100_000, 130_000);
  }

  @Test
  void aHeaderGivesItsSizeAndNoPixels() throws Exception {
    byte[] png = HandMadePngs.header(30_000, 20_000);
    assertThat(png).hasSize(8 + 25 + 12);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertThat(reader.getWidth(0)).isEqualTo(30_000);
      assertThat(reader.getHeight(0)).isEqualTo(20_000);
      reader.dispose();
    }
    assertThatThrownBy(() -> ImageIO.read(new ByteArrayInputStream(HandMadePngs.header(2, 2))))
        .isInstanceOf(javax.imageio.IIOException.class);
  }
}
