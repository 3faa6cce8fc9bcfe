package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.nightshift.samples.Samples;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model URI over http: the JDK's HTTP server on 127.0.0.1 serves the real penguins model in
 * chunks (no Content-Length, as many servers stream), and the job scores with it exactly as with
 * the file; a missing model is one line naming the URL, exit 2.
 */
class HttpModelTest {
  static final Path CONFIG = Samples.root().resolve("conf/jobs/sample-tabular.yaml");

  @TempDir static Path tmp;
  static HttpServer server;
  static String base;
  static final AtomicInteger served = new AtomicInteger();

  @BeforeAll
  static void serve() throws Exception {
    SparkTestSession.get();
    byte[] model = Files.readAllBytes(Samples.penguinsClassifier());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/models/", exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals("/models/penguins-classifier.onnx")) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        served.incrementAndGet();
        exchange.sendResponseHeaders(200, 0); // 0: chunked, length unknown to the client
        try (OutputStream out = exchange.getResponseBody()) {
          for (int off = 0; off < model.length; off += 100) {
            out.write(model, off, Math.min(100, model.length - off));
          }
        }
      }
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/";
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void aModelOverHttpScoresAsTheFileDoes() {
    Path viaHttp = tmp.resolve("out-http");
    Path viaFile = tmp.resolve("out-file");
    int before = served.get();
    assertThat(Nightshift.execute(new String[] {"run", "--config", CONFIG.toString(),
        "--set", "output.path=" + viaHttp, "--set", "model.uri=" + base + "penguins-classifier.onnx"}))
        .isEqualTo(0);
    assertThat(served.get() - before).as("downloaded once").isEqualTo(1);
    assertThat(Nightshift.execute(new String[] {"run", "--config", CONFIG.toString(),
        "--set", "output.path=" + viaFile, "--set", "model.uri=" + Samples.penguinsClassifier()})).isEqualTo(0);
    List<Row> http = SparkTestSession.get().read().parquet(viaHttp.toString())
        .orderBy("species", "island", "sex", "predicted_species").collectAsList();
    List<Row> file = SparkTestSession.get().read().parquet(viaFile.toString())
        .orderBy("species", "island", "sex", "predicted_species").collectAsList();
    assertThat(http).hasSize(342).isEqualTo(file);
  }

  @Test
  void aMissingModelIsOneLineNamingTheUrl() {
    Path out = tmp.resolve("out-404");
    String url = base + "no-such-model.onnx";
    String message = RowQualityJobTest.refusedBeforeLaunch(out, CONFIG,
        "output.path=" + out, "model.uri=" + url);
    assertThat(message).isEqualTo("nightshift: cannot download model file " + url + ": HTTP 404");
  }
}
