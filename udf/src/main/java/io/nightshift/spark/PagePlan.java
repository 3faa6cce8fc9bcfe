package io.nightshift.spark;

import io.nightshift.model.ShippedModel;
import io.nightshift.ocr.PageSettings;
import io.nightshift.result.CtcDecoder;
import java.io.Serializable;

/**
 * What a pages job's tasks need beside the detection model (the plan's own model): the recognition
 * model and the optional orientation classifier as shipped (each a broadcast checked by its
 * sha256), the CTC dictionary and the reader's settings. Serializable, immutable.
 *
 * @param classifier null when the job has no orientation step (then {@code classifierName} and
 *     {@code classifierSha256} are null too)
 * @param column the result column holding each page's lines
 */
record PagePlan(
    String recognitionName,
    String recognitionSha256,
    ShippedModel recognition,
    String classifierName,
    String classifierSha256,
    ShippedModel classifier,
    CtcDecoder ctc,
    PageSettings settings,
    String column)
    implements Serializable {}
