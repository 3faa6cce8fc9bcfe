package io.nightshift.job;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: s3proxy (its jar-with-dependencies, copied by the build to
 * {@code job/target/s3proxy/s3proxy.jar}) in a JVM of its own, on 127.0.0.1, with the filesystem
 * backend under a test folder and authentication on (a random secret per server). Buckets are
 * folders of that backend. Closing it kills the process.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String REGION = "us-east-1";

  final int port;
  final String accessKey = "nightshift-test";
  final String secretKey = "s3-secret-" + UUID.randomUUID();
  final Path backend;
  private final Process process;
  final Path log;

  private S3ProxyServer(Path dir, int port, List<String> buckets) throws IOException {
    this.port = port;
    this.backend = Files.createDirectories(dir.resolve("backend"));
    for (String b : buckets) {
      Files.createDirectories(backend.resolve(b));
    }
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "jclouds.provider=filesystem",
        "jclouds.identity=" + accessKey,
        "jclouds.credential=" + secretKey,
        "jclouds.filesystem.basedir=" + backend,
        ""));
    this.log = dir.resolve("s3proxy.log");
    String jar = System.getProperty("nightshift.s3proxy.jar",
        Path.of(System.getProperty("nightshift.root", ".")).resolve("job/target/s3proxy/s3proxy.jar").toString());
    this.process = new ProcessBuilder(javaBin(), "-Xmx256m", "-Djava.io.tmpdir=" + dir,
            "-jar", jar, "--properties", props.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Starts s3proxy with the given buckets; does not wait (see {@link #awaitReady}). */
  static S3ProxyServer start(Path dir, String... buckets) throws IOException {
    return new S3ProxyServer(Files.createDirectories(dir), freePort(), List.of(buckets));
  }

  /** Waits until the server accepts connections. */
  S3ProxyServer awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException notYet) {
        process.waitFor(200, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("s3proxy did not listen on " + port + " in " + timeout);
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The non-secret S3A settings (Hadoop keys) for this server. */
  Map<String, String> s3aSettings() {
    return Map.of(
        "fs.s3a.endpoint", endpoint(),
        "fs.s3a.endpoint.region", REGION,
        "fs.s3a.path.style.access", "true",
        "fs.s3a.connection.ssl.enabled", "false",
        // s3proxy rejects the CRC32 checksum header the SDK puts on DeleteObjects (501
        // NotImplemented, "Unknown header x-amz-checksum-crc32"): delete object by object.
        "fs.s3a.multiobjectdelete.enable", "false",
        // Fail fast: a test server that does not answer is not worth minutes of retries.
        "fs.s3a.attempts.maximum", "2",
        "fs.s3a.retry.limit", "2");
  }

  /** The folder of an object of the filesystem backend. */
  Path file(String bucket, String key) {
    return backend.resolve(bucket).resolve(key);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() throws InterruptedException, java.io.IOException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // Hadoop caches one S3A file system per bucket and JVM: the next test class's server listens
    // on another port, so a cached instance would still point at this one.
    org.apache.hadoop.fs.FileSystem.closeAll();
  }
}
