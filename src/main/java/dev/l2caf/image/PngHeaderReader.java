package dev.l2caf.image;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Reads a PNG's IHDR chunk and checks the size before anything is allocated, then walks the chunk
 * lengths (without reading pixel data) to the IEND chunk, so a truncated upload is refused here.
 */
final class PngHeaderReader {

  private static final int SIGNATURE_LENGTH = 8;
  private static final int IHDR_LENGTH = 13;
  private static final int CHUNK_OVERHEAD = 12; // length, type, CRC

  private PngHeaderReader() {}

  static ImageHeader read(String source, byte[] b, ImageLimits limits) {
    int ihdr = SIGNATURE_LENGTH;
    if (b.length < ihdr + CHUNK_OVERHEAD + IHDR_LENGTH) {
      throw corrupt(source, "file ends inside the header");
    }
    if (u32(b, ihdr) != IHDR_LENGTH || !"IHDR".equals(type(b, ihdr))) {
      throw corrupt(source, "the first chunk is not a valid IHDR");
    }
    CRC32 crc = new CRC32();
    crc.update(b, ihdr + 4, 4 + IHDR_LENGTH);
    if (crc.getValue() != u32(b, ihdr + 8 + IHDR_LENGTH)) {
      throw corrupt(source, "IHDR checksum mismatch");
    }
    long width = u32(b, ihdr + 8);
    long height = u32(b, ihdr + 12);
    int bitDepth = b[ihdr + 16] & 0xFF;
    int colorType = b[ihdr + 17] & 0xFF;
    if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw corrupt(source, "invalid size " + width + "x" + height);
    }
    if (!validDepth(colorType, bitDepth)) {
      throw corrupt(source, "invalid color type " + colorType + " with bit depth " + bitDepth);
    }
    limits.requirePixels(source, width, height);
    requireCompleteChunks(source, b, ihdr + CHUNK_OVERHEAD + IHDR_LENGTH);
    return new ImageHeader(ImageFormat.PNG, (int) width, (int) height, 1, false);
  }

  private static boolean validDepth(int colorType, int bitDepth) {
    return switch (colorType) {
      case 0 -> isPowerOfTwoUpTo(bitDepth, 16); // gray: 1, 2, 4, 8, 16
      case 3 -> isPowerOfTwoUpTo(bitDepth, 8); // palette: 1, 2, 4, 8
      case 2, 4, 6 -> bitDepth == 8 || bitDepth == 16; // RGB, gray + alpha, RGBA
      default -> false;
    };
  }

  private static boolean isPowerOfTwoUpTo(int value, int max) {
    return Integer.bitCount(value) == 1 && value <= max;
  }

  private static void requireCompleteChunks(String source, byte[] b, int pos) {
    boolean dataSeen = false;
    while (pos + 8 <= b.length) {
      long length = u32(b, pos);
      String type = type(b, pos);
      if (pos + CHUNK_OVERHEAD + length > b.length) {
        throw corrupt(source, "file ends inside the " + type + " chunk");
      }
      if ("IEND".equals(type)) {
        if (!dataSeen) {
          throw corrupt(source, "no image data");
        }
        return;
      }
      dataSeen |= "IDAT".equals(type);
      pos += CHUNK_OVERHEAD + (int) length;
    }
    throw corrupt(source, "file ends before the IEND chunk");
  }

  private static String type(byte[] b, int chunk) {
    return new String(b, chunk + 4, 4, StandardCharsets.ISO_8859_1);
  }

  private static long u32(byte[] b, int pos) {
    return (b[pos] & 0xFFL) << 24
        | (b[pos + 1] & 0xFFL) << 16
        | (b[pos + 2] & 0xFFL) << 8
        | (b[pos + 3] & 0xFFL);
  }

  private static ImageException corrupt(String source, String detail) {
    return new ImageException(
        ImageException.Code.CORRUPT, source, "corrupt or truncated PNG (" + detail + ")");
  }
}
