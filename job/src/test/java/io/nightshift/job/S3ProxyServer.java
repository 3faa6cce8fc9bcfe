package io.nightshift.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: s3proxy (its jar-with-dependencies, copied by the build to
 * {@code job/target/s3proxy/s3proxy.jar}) in a JVM of its own, on 127.0.0.1, with jclouds'
 * in-memory {@code transient} backend and authentication on (a random secret per server). Buckets
 * are created through the S3 API in {@link #awaitReady}; objects are read back through S3A
 * ({@link #fileSystem}), as a user would. The in-memory backend keeps directory-marker keys
 * ({@code dir/}) as plain keys: the {@code filesystem} backend maps them to folders and answers
 * each delete of a non-empty one about 10 s late (docs/deploy.md). Closing it kills the process
 * and with it every object. Not thread-safe.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String REGION = "us-east-1";

  final int port;
  final String accessKey = "nightshift-test";
  final String secretKey = "s3-secret-" + UUID.randomUUID();
  private final List<String> buckets;
  private final Process process;
  final Path log;

  private S3ProxyServer(Path dir, int port, List<String> buckets) throws IOException {
    this.port = port;
    this.buckets = buckets;
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "jclouds.provider=transient",
        "jclouds.identity=" + accessKey,
        "jclouds.credential=" + secretKey,
        ""));
    this.log = dir.resolve("s3proxy.log");
    String jar = System.getProperty("nightshift.s3proxy.jar",
        Path.of(System.getProperty("nightshift.root", ".")).resolve("job/target/s3proxy/s3proxy.jar").toString());
    // The objects live in this JVM's heap: the cluster tests' inputs and outputs are a few MB.
    this.process = new ProcessBuilder(javaBin(), "-Xmx384m", "-Djava.io.tmpdir=" + dir,
            "-jar", jar, "--properties", props.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Starts s3proxy; the buckets are created by {@link #awaitReady}. */
  static S3ProxyServer start(Path dir, String... buckets) throws IOException {
    return new S3ProxyServer(Files.createDirectories(dir), freePort(), List.of(buckets));
  }

  /** Waits until the server accepts connections, then creates the buckets through the S3 API. */
  S3ProxyServer awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      } catch (IOException notYet) {
        process.waitFor(200, TimeUnit.MILLISECONDS);
        continue;
      }
      try (S3Client client = S3Client.builder()
          .endpointOverride(URI.create(endpoint()))
          .region(Region.of(REGION))
          .forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
          .build()) {
        for (String b : buckets) {
          client.createBucket(r -> r.bucket(b));
        }
      }
      return this;
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

  /** A Hadoop configuration with this server's S3A settings and credentials. */
  Configuration hadoopConf() {
    Configuration conf = new Configuration();
    s3aSettings().forEach(conf::set);
    conf.set("fs.s3a.access.key", accessKey);
    conf.set("fs.s3a.secret.key", secretKey);
    return conf;
  }

  /** S3A's file system for a bucket of this server (Hadoop's cached instance). */
  FileSystem fileSystem(String bucket) throws IOException {
    return FileSystem.get(URI.create("s3a://" + bucket + "/"), hadoopConf());
  }

  /** The S3A path of a key. */
  static org.apache.hadoop.fs.Path path(String bucket, String key) {
    return new org.apache.hadoop.fs.Path("s3a://" + bucket + "/" + key);
  }

  /** Whether a key, or a "directory" (a prefix with objects under it), exists in the bucket. */
  boolean exists(String bucket, String key) throws IOException {
    return fileSystem(bucket).exists(path(bucket, key));
  }

  /** Whether a key is a "directory" of the bucket: a prefix with objects (or a marker) under it. */
  boolean isDirectory(String bucket, String key) throws IOException {
    try {
      return fileSystem(bucket).getFileStatus(path(bucket, key)).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /** Opens an object for reading. */
  InputStream open(String bucket, String key) throws IOException {
    return fileSystem(bucket).open(path(bucket, key));
  }

  /** The names of a "directory"'s direct children (files and sub-prefixes), as S3A lists them. */
  List<String> list(String bucket, String key) throws IOException {
    return java.util.Arrays.stream(fileSystem(bucket).listStatus(path(bucket, key)))
        .map(s -> s.getPath().getName())
        .sorted()
        .toList();
  }

  /** How many objects under a prefix (at any depth) have names starting with {@code prefix}; 0 if none. */
  long countFiles(String bucket, String key, String prefix) throws IOException {
    long n = 0;
    try {
      var it = fileSystem(bucket).listFiles(path(bucket, key), true);
      while (it.hasNext()) {
        if (it.next().getPath().getName().startsWith(prefix)) {
          n++;
        }
      }
    } catch (FileNotFoundException e) {
      return 0;
    }
    return n;
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
