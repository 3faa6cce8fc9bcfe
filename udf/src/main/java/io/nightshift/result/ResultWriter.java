package io.nightshift.result;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import io.nightshift.NightshiftException;
import io.nightshift.config.Enums.NonFinitePolicy;
import io.nightshift.config.Enums.Normalize;
import io.nightshift.config.Enums.PostStep;
import io.nightshift.config.JobConfig.OutputMapping;
import io.nightshift.model.ModelSignature;
import io.nightshift.quality.RejectReason;
import io.nightshift.quality.Rejection;
import io.nightshift.text.Pooling;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Decodes model outputs, through their post-steps, into Arrow vectors (one per result column),
 * which Spark then reads as a {@link ColumnarBatch}. Rows are written by batch slot, in increasing
 * order. Vectors are reused batch after batch. Not thread-safe: one per task; close it.
 */
public final class ResultWriter implements AutoCloseable {
  private final List<ResultOutput> outputs;
  private final List<FieldVector> vectors = new ArrayList<>();
  private final ColumnVector[] columns;
  /** Real tokens of each batch slot (text models), for pooling and token-level columns. */
  private int[] tokenCounts;
  private final boolean rejectNonFinite;
  /** Per run row: whether the output being written holds a NaN or infinity there (policy pass). */
  private boolean[] nonFiniteRows = new boolean[0];
  /**
   * The float copy of the output being written and its tensor: ONNX Runtime's getFloatBuffer copies
   * the whole output on every call, so the finite check and the post-step share one copy.
   */
  private OnnxTensor copiedTensor;
  private FloatBuffer copiedFloats;

  /**
   * A writer for {@code capacity} slots. With {@code nonFinite} reject, a row whose float output
   * holds NaN or an infinity is rejected ({@code non_finite_output}) before any post-step sees it;
   * with pass, its raw values are written and argmax / top-k give null for it.
   */
  public ResultWriter(List<ResultOutput> outputs, BufferAllocator allocator, int capacity, NonFinitePolicy nonFinite) {
    this.outputs = outputs;
    this.rejectNonFinite = nonFinite == NonFinitePolicy.REJECT;
    try {
      for (ResultOutput o : outputs) {
        for (org.apache.spark.sql.types.StructField f : o.fields()) {
          FieldVector v = create(f.name(), f.dataType(), allocator);
          vectors.add(v);
          v.setInitialCapacity(capacity);
          v.allocateNew();
        }
      }
    } catch (RuntimeException e) {
      close(); // the vectors made so far
      throw e;
    }
    columns = vectors.stream().map(ArrowColumnVector::new).toArray(ColumnVector[]::new);
  }

  private static FieldVector create(String name, org.apache.spark.sql.types.DataType type, BufferAllocator a) {
    if (type instanceof org.apache.spark.sql.types.MapType mt) {
      MapVector map = MapVector.empty(name, a, false);
      StructVector entries =
          (StructVector) map.addOrGetVector(FieldType.notNullable(ArrowType.Struct.INSTANCE)).getVector();
      entries.addOrGet(MapVector.KEY_NAME, FieldType.notNullable(arrowType(mt.keyType())), FieldVector.class);
      entries.addOrGet(MapVector.VALUE_NAME, FieldType.notNullable(arrowType(mt.valueType())), FieldVector.class);
      return map;
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType at) {
      ListVector list = ListVector.empty(name, a);
      if (at.elementType() instanceof org.apache.spark.sql.types.ArrayType inner) {
        ListVector tokens = (ListVector) list.addOrGetVector(FieldType.nullable(ArrowType.List.INSTANCE)).getVector();
        tokens.addOrGetVector(FieldType.nullable(arrowType(inner.elementType())));
      } else {
        list.addOrGetVector(FieldType.nullable(arrowType(at.elementType())));
      }
      return list;
    }
    return switch (type.typeName()) {
      case "float" -> new Float4Vector(name, a);
      case "double" -> new Float8Vector(name, a);
      case "integer" -> new IntVector(name, a);
      case "long" -> new BigIntVector(name, a);
      case "string" -> new VarCharVector(name, a);
      default -> throw new IllegalArgumentException("unsupported result type " + type);
    };
  }

  private static ArrowType arrowType(org.apache.spark.sql.types.DataType t) {
    return switch (t.typeName()) {
      case "float" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case "double" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case "integer" -> new ArrowType.Int(32, true);
      case "long" -> new ArrowType.Int(64, true);
      case "string" -> ArrowType.Utf8.INSTANCE;
      default -> throw new IllegalArgumentException("unsupported result element type " + t);
    };
  }

  /** The model outputs this writer needs: the only ones a run fetches. */
  public Set<String> modelOutputs() {
    Set<String> names = new java.util.LinkedHashSet<>();
    outputs.forEach(o -> names.add(o.mapping().modelOutput()));
    return names;
  }

  /** Clears the vectors for a new batch. */
  public void reset() {
    for (FieldVector v : vectors) {
      if (!(v instanceof BaseFixedWidthVector)) {
        v.reset();
      }
    }
  }

  /** The real token count of each batch slot, for the batches that follow (text models). */
  public void tokenCounts(int[] counts) {
    this.tokenCounts = counts;
  }

  /**
   * Writes the outputs of a run whose first {@code n} of {@code batchRows} rows are batch slots
   * [from, from + n) (the rest padding for a model of fixed batch size). A row with a NaN or
   * infinite float output gets its rejection in {@code failed[slot]} (policy reject); its slot is
   * still written, and the caller drops it.
   */
  public void write(OrtSession.Result result, int from, int n, int batchRows, Rejection[] failed) {
    try {
      writeOutputs(result, from, n, batchRows, failed);
    } finally {
      copiedTensor = null;
      copiedFloats = null;
    }
  }

  private void writeOutputs(OrtSession.Result result, int from, int n, int batchRows, Rejection[] failed) {
    int v = 0;
    for (ResultOutput o : outputs) {
      OnnxValue value =
          result.get(o.mapping().modelOutput())
              .orElseThrow(() -> new NightshiftException(
                  "model output '%s' is missing from the run's result", o.mapping().modelOutput()));
      if (o.kind() == ModelSignature.Kind.SEQUENCE_OF_MAPS) {
        writeMaps(o, (OnnxSequence) value, from, n, batchRows, vectors.get(v),
            o.mapping().post() == PostStep.TOP_K ? vectors.get(v + 1) : null);
        v += o.fields().length;
        continue;
      }
      OnnxTensor tensor = (OnnxTensor) value;
      long[] shape = tensor.getInfo().getShape();
      if (shape.length == 0 || shape[0] != batchRows) {
        throw new NightshiftException(
            "model output '%s' has shape %s for a batch of %d rows; its first dimension must be the batch",
            o.mapping().modelOutput(), java.util.Arrays.toString(shape), batchRows);
      }
      int perRow = (int) (tensor.getInfo().getNumElements() / Math.max(1, batchRows));
      checkFinite(o, tensor, perRow, from, n, failed);
      if (o.mapping().post().pools()) {
        writePooled(o.mapping(), tensor, from, n, (ListVector) vectors.get(v));
      } else if (o.mapping().post() == PostStep.NONE && o.tokenLevel()) {
        writeTokens(tensor, from, n, (ListVector) vectors.get(v));
      } else if (o.mapping().post() == PostStep.NONE && o.mapping().normalize() == Normalize.L2) {
        writeNormalized(tensor, perRow, from, n, (ListVector) vectors.get(v));
      } else if (o.mapping().post() == PostStep.NONE) {
        writeRaw(o, tensor, perRow, from, n, vectors.get(v));
      } else if (o.mapping().post() == PostStep.CTC) {
        writeCtc(o, tensor, perRow, from, n, (VarCharVector) vectors.get(v), (Float4Vector) vectors.get(v + 1));
      } else {
        writePost(o.mapping(), floats(tensor), perRow, from, n, vectors.get(v),
            o.mapping().post() == PostStep.TOP_K ? vectors.get(v + 1) : null, nonFiniteRows);
      }
      v += o.fields().length;
    }
  }

  /**
   * Looks for NaN and infinities in each of the n rows of a float output, before any post-step:
   * rejects those rows (policy reject), or marks them in {@link #nonFiniteRows} (policy pass).
   */
  private void checkFinite(ResultOutput o, OnnxTensor t, int perRow, int from, int n, Rejection[] failed) {
    if (nonFiniteRows.length < n) {
      nonFiniteRows = new boolean[n];
    }
    java.util.Arrays.fill(nonFiniteRows, 0, n, false);
    OnnxJavaType type = t.getInfo().type;
    if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16 && type != OnnxJavaType.DOUBLE) {
      return;
    }
    FloatBuffer fb = type != OnnxJavaType.DOUBLE ? floatsOf(t) : null;
    DoubleBuffer db = type == OnnxJavaType.DOUBLE ? t.getDoubleBuffer() : null;
    if (fb != null && fb.hasArray() && allFinite(fb.array(), fb.arrayOffset(), fb.arrayOffset() + n * perRow)) {
      return; // the common case: one tight pass, no per-row bookkeeping
    }
    for (int r = 0; r < n; r++) {
      int base = r * perRow;
      if (fb != null && fb.hasArray() && allFinite(fb.array(), fb.arrayOffset() + base, fb.arrayOffset() + base + perRow)) {
        continue;
      }
      for (int j = 0; j < perRow; j++) {
        double x = fb != null ? fb.get(base + j) : db.get(base + j);
        if (Double.isNaN(x) || Double.isInfinite(x)) {
          nonFiniteRows[r] = true;
          if (rejectNonFinite && failed[from + r] == null) {
            failed[from + r] = new Rejection(RejectReason.NON_FINITE_OUTPUT,
                "model output '" + o.mapping().modelOutput() + "' is " + (fb != null ? Float.toString((float) x) : Double.toString(x))
                    + " at index " + j);
          }
          break;
        }
      }
    }
  }

  /** Pools each row's real tokens ([batch, tokens, hidden]) into one vector, L2-normalized if asked. */
  private void writePooled(OutputMapping m, OnnxTensor t, int from, int n, ListVector list) {
    long[] shape = t.getInfo().getShape();
    int seq = (int) shape[1];
    int hidden = (int) shape[2];
    FloatBuffer h = floatsOf(t);
    Float4Vector child = (Float4Vector) list.getDataVector();
    float[] vec = new float[hidden];
    for (int r = 0; r < n; r++) {
      int slot = from + r;
      int base = r * seq * hidden;
      if (m.post() == PostStep.MEAN) {
        Pooling.mean(h, base, hidden, Math.min(seq, tokenCounts[slot]), vec);
      } else {
        Pooling.cls(h, base, hidden, vec);
      }
      if (m.normalize() == Normalize.L2) {
        Pooling.l2(vec);
      }
      int off = list.startNewValue(slot);
      for (int j = 0; j < hidden; j++) {
        child.setSafe(off + j, vec[j]);
      }
      list.endValue(slot, hidden);
    }
  }

  /** Writes each row's real tokens (not the batch's padding) as [tokens][hidden]. */
  private void writeTokens(OnnxTensor t, int from, int n, ListVector list) {
    long[] shape = t.getInfo().getShape();
    int seq = (int) shape[1];
    int hidden = (int) shape[2];
    FloatBuffer h = t.getFloatBuffer();
    ListVector tokens = (ListVector) list.getDataVector();
    Float4Vector child = (Float4Vector) tokens.getDataVector();
    for (int r = 0; r < n; r++) {
      int slot = from + r;
      int len = Math.min(seq, tokenCounts[slot]);
      int off = list.startNewValue(slot);
      for (int tok = 0; tok < len; tok++) {
        int inner = tokens.startNewValue(off + tok);
        int base = (r * seq + tok) * hidden;
        for (int j = 0; j < hidden; j++) {
          child.setSafe(inner + j, h.get(base + j));
        }
        tokens.endValue(off + tok, hidden);
      }
      list.endValue(slot, len);
    }
  }

  /** A [batch, n] float output, each row scaled to unit length. */
  private static void writeNormalized(OnnxTensor t, int perRow, int from, int n, ListVector list) {
    FloatBuffer b = t.getFloatBuffer();
    Float4Vector child = (Float4Vector) list.getDataVector();
    float[] vec = new float[perRow];
    for (int r = 0; r < n; r++) {
      b.get(r * perRow, vec);
      Pooling.l2(vec);
      int off = list.startNewValue(from + r);
      for (int j = 0; j < perRow; j++) {
        child.setSafe(off + j, vec[j]);
      }
      list.endValue(from + r, perRow);
    }
  }

  /**
   * Greedy CTC per row over a [batch, steps, classes] output: the text and the mean probability of
   * its characters. A row with a NaN or infinity (policy pass) gets nulls.
   */
  private void writeCtc(ResultOutput o, OnnxTensor tensor, int perRow, int from, int n, VarCharVector text,
      Float4Vector confidence) {
    long[] shape = tensor.getInfo().getShape();
    if (shape.length != 3 || shape[2] != o.ctc().classes()) {
      throw new NightshiftException("model output '%s' has shape %s; the CTC dictionary needs [batch, steps, %d]",
          o.mapping().modelOutput(), java.util.Arrays.toString(shape), o.ctc().classes());
    }
    int steps = (int) shape[1];
    FloatBuffer probs = floatsOf(tensor);
    for (int r = 0; r < n; r++) {
      if (r < nonFiniteRows.length && nonFiniteRows[r]) {
        text.setNull(from + r);
        confidence.setNull(from + r);
        continue;
      }
      CtcDecoder.Decoded d = o.ctc().decode(probs, r * perRow, steps);
      text.setSafe(from + r, d.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      confidence.setSafe(from + r, d.confidence());
    }
  }

  /** Sets every result column of slot {@code slot} to null (a text row with nothing to embed). */
  public void nullRow(int slot) {
    for (FieldVector v : vectors) {
      if (v instanceof ListVector list) {
        list.setNull(slot);
      } else if (v instanceof BaseFixedWidthVector f) {
        f.setNull(slot);
      } else if (v instanceof VarCharVector s) {
        s.setNull(slot);
      }
    }
  }

  /** Keeps slot {@code slot} consistent for a row that produced no result. */
  public void skip(int slot) {
    for (FieldVector v : vectors) {
      if (v instanceof ListVector list) {
        list.startNewValue(slot);
        list.endValue(slot, 0);
      } else if (v instanceof VarCharVector s) {
        s.setSafe(slot, new byte[0]);
      }
    }
  }

  /** The results of slots [0, n) as Spark columns. */
  public ColumnarBatch batch(int n) {
    return batch(n, new ColumnVector[0]);
  }

  /** The results of slots [0, n), followed by {@code extra} columns filled by the caller. */
  public ColumnarBatch batch(int n, ColumnVector... extra) {
    for (FieldVector v : vectors) {
      v.setValueCount(n);
    }
    if (extra.length == 0) {
      return new ColumnarBatch(columns, n);
    }
    ColumnVector[] all = java.util.Arrays.copyOf(columns, columns.length + extra.length);
    System.arraycopy(extra, 0, all, columns.length, extra.length);
    return new ColumnarBatch(all, n);
  }

  /** {@code t}'s floats (fp16 widened), copied once per output of a run; a fresh view each call. */
  private FloatBuffer floatsOf(OnnxTensor t) {
    if (copiedTensor != t) {
      copiedFloats = t.getFloatBuffer();
      copiedTensor = t;
    }
    return copiedFloats.duplicate();
  }

  /** True when a[from, to) holds no NaN and no infinity: x * 0 is 0 for every finite x, NaN otherwise. */
  private static boolean allFinite(float[] a, int from, int to) {
    float acc = 0f;
    for (int i = from; i < to; i++) {
      acc += a[i] * 0f;
    }
    return acc == 0f;
  }

  private static float[] floats(OnnxTensor t) {
    if (t.getInfo().type == OnnxJavaType.FLOAT || t.getInfo().type == OnnxJavaType.FLOAT16) {
      FloatBuffer fb = t.getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
    if (t.getInfo().type == OnnxJavaType.DOUBLE) {
      DoubleBuffer db = t.getDoubleBuffer();
      float[] out = new float[db.remaining()];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) db.get(i);
      }
      return out;
    }
    throw new NightshiftException("post-steps need a float output, %s is %s", t.getInfo(), t.getInfo().type);
  }

  private void writeRaw(ResultOutput o, OnnxTensor t, int perRow, int from, int n, FieldVector vec) {
    boolean scalar = o.rank() == 1;
    switch (o.type()) {
      case FLOAT, FLOAT16 -> {
        FloatBuffer b = floatsOf(t); // fp16 comes back widened to float
        if (scalar) {
          for (int r = 0; r < n; r++) ((Float4Vector) vec).set(from + r, b.get(r));
        } else {
          ListVector list = (ListVector) vec;
          Float4Vector child = (Float4Vector) list.getDataVector();
          for (int r = 0; r < n; r++) {
            int off = list.startNewValue(from + r);
            for (int j = 0; j < perRow; j++) child.setSafe(off + j, b.get(r * perRow + j));
            list.endValue(from + r, perRow);
          }
        }
      }
      case DOUBLE -> {
        DoubleBuffer b = t.getDoubleBuffer();
        if (scalar) {
          for (int r = 0; r < n; r++) ((Float8Vector) vec).set(from + r, b.get(r));
        } else {
          ListVector list = (ListVector) vec;
          Float8Vector child = (Float8Vector) list.getDataVector();
          for (int r = 0; r < n; r++) {
            int off = list.startNewValue(from + r);
            for (int j = 0; j < perRow; j++) child.setSafe(off + j, b.get(r * perRow + j));
            list.endValue(from + r, perRow);
          }
        }
      }
      case INT64 -> {
        LongBuffer b = t.getLongBuffer();
        if (scalar) {
          for (int r = 0; r < n; r++) ((BigIntVector) vec).set(from + r, b.get(r));
        } else {
          ListVector list = (ListVector) vec;
          BigIntVector child = (BigIntVector) list.getDataVector();
          for (int r = 0; r < n; r++) {
            int off = list.startNewValue(from + r);
            for (int j = 0; j < perRow; j++) child.setSafe(off + j, b.get(r * perRow + j));
            list.endValue(from + r, perRow);
          }
        }
      }
      case INT32 -> {
        IntBuffer b = t.getIntBuffer();
        if (scalar) {
          for (int r = 0; r < n; r++) ((IntVector) vec).set(from + r, b.get(r));
        } else {
          ListVector list = (ListVector) vec;
          IntVector child = (IntVector) list.getDataVector();
          for (int r = 0; r < n; r++) {
            int off = list.startNewValue(from + r);
            for (int j = 0; j < perRow; j++) child.setSafe(off + j, b.get(r * perRow + j));
            list.endValue(from + r, perRow);
          }
        }
      }
      case STRING -> {
        String[] values = strings(o, t, n * perRow);
        if (scalar) {
          for (int r = 0; r < n; r++) {
            ((VarCharVector) vec).setSafe(from + r, values[r].getBytes(StandardCharsets.UTF_8));
          }
        } else {
          ListVector list = (ListVector) vec;
          VarCharVector child = (VarCharVector) list.getDataVector();
          for (int r = 0; r < n; r++) {
            int off = list.startNewValue(from + r);
            for (int j = 0; j < perRow; j++) {
              child.setSafe(off + j, values[r * perRow + j].getBytes(StandardCharsets.UTF_8));
            }
            list.endValue(from + r, perRow);
          }
        }
      }
      default -> throw new NightshiftException("model output '%s' has unsupported type %s",
          o.mapping().modelOutput(), o.type());
    }
  }

  /** A string tensor's values, row-major. */
  private static String[] strings(ResultOutput o, OnnxTensor t, int count) {
    String[] out = new String[count];
    try {
      Object value = t.getValue();
      if (value instanceof String[] flat) {
        return flat;
      }
      int i = 0;
      for (Object row : (Object[]) value) {
        for (String s : (String[]) row) {
          out[i++] = s;
        }
      }
      return out;
    } catch (ai.onnxruntime.OrtException | ClassCastException e) {
      throw new NightshiftException(e, "cannot read the strings of model output '%s': %s",
          o.mapping().modelOutput(), e.getMessage());
    }
  }

  /**
   * A ZipMap output: one map per row, from class (int64 or string) to probability. Written as a
   * map column in key order, or through argmax / top-k as the keys of the highest values (ties go
   * to the smaller key).
   */
  private static void writeMaps(ResultOutput o, OnnxSequence seq, int from, int n, int batchRows, FieldVector vec,
      FieldVector scores) {
    List<? extends OnnxValue> maps;
    try {
      maps = seq.getValue();
    } catch (ai.onnxruntime.OrtException e) {
      throw new NightshiftException(e, "cannot read model output '%s': %s", o.mapping().modelOutput(), e.getMessage());
    }
    try {
      if (maps.size() != batchRows) {
        throw new NightshiftException(
            "model output '%s' holds %d maps for a batch of %d rows; it must hold one per row",
            o.mapping().modelOutput(), maps.size(), batchRows);
      }
      for (int r = 0; r < n; r++) {
        java.util.TreeMap<Object, Float> row = new java.util.TreeMap<>();
        try {
          for (Map.Entry<?, ?> e : ((OnnxMap) maps.get(r)).getValue().entrySet()) {
            row.put(e.getKey(), ((Number) e.getValue()).floatValue());
          }
        } catch (ai.onnxruntime.OrtException e) {
          throw new NightshiftException(e, "cannot read model output '%s': %s", o.mapping().modelOutput(),
              e.getMessage());
        }
        writeMapRow(o.mapping(), row, from + r, vec, scores);
      }
    } finally {
      for (OnnxValue m : maps) {
        m.close();
      }
    }
  }

  private static void writeMapRow(OutputMapping m, java.util.TreeMap<Object, Float> row, int slot, FieldVector vec,
      FieldVector scores) {
    switch (m.post()) {
      case NONE -> {
        MapVector map = (MapVector) vec;
        StructVector entries = (StructVector) map.getDataVector();
        FieldVector keys = entries.getChild(MapVector.KEY_NAME);
        Float4Vector values = (Float4Vector) entries.getChild(MapVector.VALUE_NAME);
        int off = map.startNewValue(slot);
        int j = 0;
        for (Map.Entry<Object, Float> e : row.entrySet()) {
          entries.setIndexDefined(off + j);
          setKey(keys, off + j, e.getKey());
          values.setSafe(off + j, e.getValue());
          j++;
        }
        map.endValue(slot, j);
      }
      case ARGMAX -> setKey(vec, slot, top(row, 1).get(0).getKey());
      case TOP_K -> {
        List<Map.Entry<Object, Float>> top = top(row, Math.min(m.k(), row.size()));
        ListVector idx = (ListVector) vec;
        ListVector sc = (ListVector) scores;
        int off = idx.startNewValue(slot);
        int soff = sc.startNewValue(slot);
        for (int j = 0; j < top.size(); j++) {
          setKey(idx.getDataVector(), off + j, top.get(j).getKey());
          ((Float4Vector) sc.getDataVector()).setSafe(soff + j, top.get(j).getValue());
        }
        idx.endValue(slot, top.size());
        sc.endValue(slot, top.size());
      }
      default -> throw new IllegalStateException("not a post-step for maps: " + m.post());
    }
  }

  /** The {@code k} entries of highest value, highest first; among equal values the smaller key first. */
  private static List<Map.Entry<Object, Float>> top(java.util.TreeMap<Object, Float> row, int k) {
    List<Map.Entry<Object, Float>> entries = new ArrayList<>(row.entrySet());
    entries.sort((a, b) -> Float.compare(b.getValue(), a.getValue())); // stable: key order among ties
    return entries.subList(0, k);
  }

  private static void setKey(FieldVector v, int index, Object key) {
    if (v instanceof BigIntVector longs) {
      longs.setSafe(index, (Long) key);
    } else {
      ((VarCharVector) v).setSafe(index, ((String) key).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void writePost(OutputMapping m, float[] values, int c, int from, int n, FieldVector vec,
      FieldVector scores, boolean[] nonFinite) {
    List<String> labels = m.labels();
    for (int r = 0; r < n; r++) {
      int base = r * c;
      int slot = from + r;
      if (nonFinite[r] && m.post() != PostStep.SOFTMAX) {
        // No class is the largest of values that hold a NaN or an infinity: no answer.
        vec.setNull(slot);
        if (scores != null) {
          scores.setNull(slot);
        }
        continue;
      }
      switch (m.post()) {
        case SOFTMAX -> {
          ListVector list = (ListVector) vec;
          Float4Vector child = (Float4Vector) list.getDataVector();
          int off = list.startNewValue(slot);
          float max = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < c; j++) max = Math.max(max, values[base + j]);
          double sum = 0;
          for (int j = 0; j < c; j++) sum += Math.exp(values[base + j] - max);
          for (int j = 0; j < c; j++) child.setSafe(off + j, (float) (Math.exp(values[base + j] - max) / sum));
          list.endValue(slot, c);
        }
        case ARGMAX -> {
          int best = 0;
          for (int j = 1; j < c; j++) {
            if (values[base + j] > values[base + best]) best = j;
          }
          if (labels.isEmpty()) {
            ((IntVector) vec).set(slot, best);
          } else {
            ((VarCharVector) vec).setSafe(slot, labels.get(best).getBytes(StandardCharsets.UTF_8));
          }
        }
        case TOP_K -> {
          int k = Math.min(m.k(), c);
          int[] top = topK(values, base, c, k);
          ListVector idx = (ListVector) vec;
          ListVector sc = (ListVector) scores;
          int off = idx.startNewValue(slot);
          for (int j = 0; j < k; j++) {
            if (labels.isEmpty()) {
              ((IntVector) idx.getDataVector()).setSafe(off + j, top[j]);
            } else {
              ((VarCharVector) idx.getDataVector())
                  .setSafe(off + j, labels.get(top[j]).getBytes(StandardCharsets.UTF_8));
            }
          }
          idx.endValue(slot, k);
          int soff = sc.startNewValue(slot);
          for (int j = 0; j < k; j++) ((Float4Vector) sc.getDataVector()).setSafe(soff + j, values[base + top[j]]);
          sc.endValue(slot, k);
        }
        default -> throw new IllegalStateException("not a post-step: " + m.post());
      }
    }
  }

  private static int[] topK(float[] v, int base, int c, int k) {
    int[] top = new int[k];
    int filled = 0;
    for (int j = 0; j < c; j++) {
      int pos = filled < k ? filled++ : k;
      if (pos == k && v[base + j] <= v[base + top[k - 1]]) continue;
      if (pos == k) pos = k - 1;
      while (pos > 0 && v[base + top[pos - 1]] < v[base + j]) {
        top[pos] = top[pos - 1];
        pos--;
      }
      top[pos] = j;
    }
    return top;
  }

  @Override
  public void close() {
    for (FieldVector v : vectors) {
      v.close();
    }
  }
}
