package dev.l2caf.image;

import java.util.Arrays;

/**
 * Walks a JPEG's marker segments without decoding: finds the frame header (size, components, coding
 * process) and the EXIF block, checks the size before anything is allocated, then skims the
 * entropy-coded data up to the end-of-image marker, so a truncated upload is refused here rather
 * than decoded into gray.
 */
final class JpegHeaderReader {

  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;
  private static final int APP1 = 0xE1;
  private static final int TEM = 0x01;
  private static final int RST0 = 0xD0;
  private static final int RST7 = 0xD7;
  private static final byte[] EXIF_PREAMBLE = {'E', 'x', 'i', 'f', 0, 0};

  private record Frame(int marker, int precision, int width, int height, int components) {

    /** 8-bit baseline, extended or progressive Huffman, 1 or 3 components: DecodeJpeg's domain. */
    boolean tensorflowDecodable() {
      boolean huffman = marker == 0xC0 || marker == 0xC1 || marker == 0xC2;
      return huffman && precision == 8 && (components == 1 || components == 3);
    }
  }

  private JpegHeaderReader() {}

  static ImageHeader read(String source, byte[] b, ImageLimits limits) {
    Frame frame = null;
    byte[] exif = null;
    boolean scanSeen = false;
    int pos = 2; // after SOI
    while (true) {
      pos = nextMarker(b, pos);
      if (pos < 0) {
        throw corrupt(source, "Premature end of JPEG file");
      }
      int marker = b[pos++] & 0xFF;
      if (marker == EOI) {
        break;
      }
      if (marker == SOI) {
        throw corrupt(source, "unexpected start-of-image marker inside the image");
      }
      if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
        continue; // markers without a length
      }
      if (pos + 2 > b.length) {
        throw corrupt(source, "Premature end of JPEG file");
      }
      int length = u16(b, pos);
      int end = pos + length;
      if (length < 2) {
        throw corrupt(
            source, "invalid length " + length + " of marker 0x" + Integer.toHexString(marker));
      }
      if (end > b.length) {
        throw corrupt(source, "Premature end of JPEG file");
      }
      if (isStartOfFrame(marker) && frame == null) {
        frame = frame(source, marker, b, pos + 2, end);
        limits.requirePixels(source, frame.width(), frame.height());
      } else if (marker == APP1
          && exif == null
          && FormatSniffer.startsWith(b, pos + 2, EXIF_PREAMBLE)) {
        exif = Arrays.copyOfRange(b, pos + 2, end);
      } else if (marker == SOS) {
        if (frame == null) {
          throw corrupt(source, "image data before the frame header");
        }
        scanSeen = true;
        if (endsWithEoi(b)) {
          break; // what is left is image data, and the file ends where it should
        }
        end = endOfEntropyData(b, end);
      }
      pos = end;
    }
    if (!scanSeen) {
      throw corrupt(source, "no image data");
    }
    return new ImageHeader(
        ImageFormat.JPEG,
        frame.width(),
        frame.height(),
        ExifOrientation.read(source, exif),
        frame.tensorflowDecodable());
  }

  /**
   * Entropy-coded data cannot contain FF D9 (a data byte FF is always followed by 00), so a file
   * whose last two bytes are FF D9 has all its scans; this spares skimming the whole file in the
   * common case. A file cut just after an FF D9 inside a later table segment would slip through,
   * and then fails in the decoder instead.
   */
  private static boolean endsWithEoi(byte[] b) {
    return b[b.length - 2] == (byte) 0xFF && b[b.length - 1] == (byte) EOI;
  }

  private static boolean isStartOfFrame(int marker) {
    // C4 (Huffman tables), C8 (reserved), CC (arithmetic conditioning) are in range, not frames.
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static Frame frame(String source, int marker, byte[] b, int from, int end) {
    if (end - from < 6) {
      throw corrupt(source, "frame header too short");
    }
    int components = b[from + 5] & 0xFF;
    int height = u16(b, from + 1);
    int width = u16(b, from + 3);
    if (end - from < 6 + 3 * components) {
      throw corrupt(source, "frame header too short for " + components + " components");
    }
    if (width == 0 || height == 0 || components == 0) {
      // height 0 means "defined later by a DNL marker", which almost nothing supports.
      throw corrupt(
          source,
          "invalid frame header: " + width + "x" + height + ", " + components + " components");
    }
    return new Frame(marker, b[from] & 0xFF, width, height, components);
  }

  /**
   * Index of the next marker code at or after pos, tolerating stray bytes and FF fill bytes before
   * it as libjpeg does; -1 when the data ends first.
   */
  private static int nextMarker(byte[] b, int pos) {
    for (int i = pos; i < b.length; i++) {
      if (b[i] != (byte) 0xFF) {
        continue;
      }
      while (i + 1 < b.length && b[i + 1] == (byte) 0xFF) {
        i++;
      }
      if (i + 1 < b.length && b[i + 1] != 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * Where the entropy-coded data after a scan header ends: the first FF that starts a real marker.
   */
  private static int endOfEntropyData(byte[] b, int pos) {
    for (int i = pos; i + 1 < b.length; i++) {
      if (b[i] != (byte) 0xFF) {
        continue;
      }
      int next = b[i + 1] & 0xFF;
      boolean stuffedOrRestart = next == 0 || next == 0xFF || (next >= RST0 && next <= RST7);
      if (!stuffedOrRestart) {
        return i;
      }
    }
    return b.length;
  }

  private static int u16(byte[] b, int pos) {
    return (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
  }

  private static ImageException corrupt(String source, String detail) {
    return new ImageException(
        ImageException.Code.CORRUPT, source, "corrupt or truncated JPEG (" + detail + ")");
  }
}
