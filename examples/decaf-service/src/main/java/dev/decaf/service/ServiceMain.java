package dev.decaf.service;

import com.sun.net.httpserver.HttpServer;
import dev.decaf.core.io.AtomicFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts the example service: {@code java -jar decaf-service.jar [--port N] [--jobs-dir DIR]
 * [--model DIR] [--host ADDR] [--workers N]}.
 *
 * <pre>
 * --port N       the port (default 8080; 0: any free port); the bound port is printed and written to JOBS/service.port
 * --jobs-dir DIR the jobs directory (default jobs); unfinished jobs in it resume at start
 * --model DIR    the model that jobs submitted as text train (default models/quickstart-base)
 * --host ADDR    the address to listen on (default 127.0.0.1: the service has no authentication)
 * --workers N    jobs trained at once (default 1; the others wait, queued)
 * </pre>
 *
 * A bad option prints one line and exits 2.
 */
public final class ServiceMain {

    /** The file in the jobs directory that holds the bound port, for scripts and tests. */
    public static final String PORT_FILE = "service.port";

    private ServiceMain() {}

    /**
     * Runs the service until the process is stopped.
     *
     * @param args the options
     * @throws IOException when the jobs directory or the port cannot be opened
     */
    public static void main(String[] args) throws IOException {
        int port = 8080;
        int workers = 1;
        Path jobsDir = Path.of("jobs");
        Path model = Path.of("models/quickstart-base");
        String host = "127.0.0.1";
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(required(args[i], value));
                    case "--workers" -> workers = Integer.parseInt(required(args[i], value));
                    case "--jobs-dir" -> jobsDir = Path.of(required(args[i], value));
                    case "--model" -> model = Path.of(required(args[i], value));
                    case "--host" -> host = required(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --port, --jobs-dir, --model, --host, --workers)");
                }
                i++;
            }
            if (port < 0 || port > 65535 || workers < 1) {
                throw new IllegalArgumentException("--port must be in [0, 65535] and --workers >= 1");
            }
        } catch (IllegalArgumentException e) { // NumberFormatException too
            System.err.println("decaf-service: " + e.getMessage());
            System.exit(2);
            return;
        }
        Jobs jobs = Jobs.open(jobsDir, model.toAbsolutePath(), workers);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
        ExecutorService http = Executors.newFixedThreadPool(4);
        server.createContext("/jobs", new JobsApi(jobs));
        server.setExecutor(http);
        server.start();
        int bound = server.getAddress().getPort();
        AtomicFiles.writeString(jobsDir.resolve(PORT_FILE), bound + "\n");
        System.out.println("decaf-service: listening on http://" + host + ":" + bound + "/jobs, jobs in " + jobsDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            http.shutdownNow();
            jobs.close();
        }, "decaf-service-shutdown"));
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
