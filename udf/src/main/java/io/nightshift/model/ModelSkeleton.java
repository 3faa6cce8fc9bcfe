package io.nightshift.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.nightshift.NightshiftException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * An ONNX model read from a stream without its tensor data: every message of the model is kept
 * (graph, nodes, inputs, outputs, functions, subgraphs, and each tensor's name, dims, data type,
 * external data and data location), but a tensor's data fields ({@code raw_data}, {@code
 * float_data}, {@code int64_data} and the other typed arrays) longer than {@value #KEEP_BYTES}
 * bytes are skipped unread. The result is a valid {@link ModelProto} whose memory is that of the
 * graph's structure, not of its weights, so a model larger than the heap can be checked ({@link
 * ExternalDataGuard}, external data files, embedding tables) from its file.
 *
 * <p>Stateless and thread-safe. A stream that is not a protobuf message fails with {@link
 * NightshiftException#invalid} naming the source.
 */
public final class ModelSkeleton {
  /** Data fields up to this many bytes are kept (small constants: shapes, axes, scalars). */
  static final int KEEP_BYTES = 4096;

  private static final int BUFFER = 1 << 16;

  /** The kinds of message on the walk; anything else is copied as it is. */
  private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE, FUNCTION }

  private ModelSkeleton() {}

  /** A model's skeleton and the hex sha256 of its whole file, both from one pass over it. */
  public record Read(ModelProto model, String sha256) {}

  /**
   * Reads the model file at {@code uri} (any Hadoop file system) once, streaming: its skeleton and
   * its sha256. Memory is the skeleton's plus a 64 KiB buffer, whatever the file's size.
   */
  public static Read read(String uri, Configuration conf) {
    Path path = new Path(uri);
    MessageDigest md = ModelBundle.sha();
    ModelProto model;
    try (InputStream in = new DigestInputStream(
        io.nightshift.fs.LocalFiles.unchecked(path.getFileSystem(conf), path).open(path), md) {
          @Override
          public long skip(long n) throws IOException {
            // Read, not skip: the skipped tensor data must still reach the digest.
            byte[] buffer = new byte[(int) Math.min(n, BUFFER)];
            return Math.max(read(buffer, 0, buffer.length), 0);
          }
        }) {
      model = read(in, uri);
      in.transferTo(OutputStream.nullOutputStream()); // anything after the message still counts
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot read model file %s: %s", uri, e.getMessage());
    }
    return new Read(model, HexFormat.of().formatHex(md.digest()));
  }

  /** Reads {@code in} to its end (not closed here); {@code source} names the model in errors. */
  public static ModelProto read(InputStream in, String source) {
    CodedInputStream coded = CodedInputStream.newInstance(in, BUFFER);
    coded.setSizeLimit(Integer.MAX_VALUE);
    try {
      return ModelProto.parseFrom(filter(coded, Kind.MODEL));
    } catch (InvalidProtocolBufferException e) {
      throw NightshiftException.invalid(
          e, "model file %s is not a loadable ONNX model: %s", source, e.getMessage());
    } catch (IOException e) {
      throw NightshiftException.invalid(e, "cannot read model file %s: %s", source, e.getMessage());
    }
  }

  /** The fields of one message of {@code kind} up to the current limit, data fields left out. */
  private static byte[] filter(CodedInputStream in, Kind kind) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        Kind child = child(kind, field);
        if (child != null) {
          int limit = in.pushLimit(in.readRawVarint32());
          byte[] message = filter(in, child);
          in.popLimit(limit);
          out.writeByteArray(field, message);
          continue;
        }
        if (kind == Kind.TENSOR && isData(field)) {
          int length = in.readRawVarint32();
          if (length > KEEP_BYTES) {
            in.skipRawBytes(length);
          } else {
            out.writeByteArray(field, in.readRawBytes(length));
          }
          continue;
        }
      }
      in.skipField(tag, out); // copies the field to out
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** The message kind of {@code field} of a {@code parent} message (field numbers of onnx.proto), or null. */
  private static Kind child(Kind parent, int field) {
    return switch (parent) {
      case MODEL -> field == 7 ? Kind.GRAPH : field == 25 ? Kind.FUNCTION : null;
      case GRAPH -> field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : field == 15 ? Kind.SPARSE : null;
      case FUNCTION -> field == 7 ? Kind.NODE : null;
      case NODE -> field == 5 ? Kind.ATTRIBUTE : null;
      case ATTRIBUTE -> switch (field) {
        case 5, 10 -> Kind.TENSOR;
        case 6, 11 -> Kind.GRAPH;
        case 22, 23 -> Kind.SPARSE;
        default -> null;
      };
      case SPARSE -> field == 1 || field == 2 ? Kind.TENSOR : null;
      case TENSOR -> null;
    };
  }

  /** TensorProto's data fields: float, int32, string, int64, raw, double and uint64 data. */
  private static boolean isData(int field) {
    return field == 4 || field == 5 || field == 6 || field == 7 || field == 9 || field == 10 || field == 11;
  }
}
