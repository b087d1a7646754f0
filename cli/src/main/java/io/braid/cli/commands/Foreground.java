package io.braid.cli.commands;

import java.util.concurrent.CountDownLatch;

/** Keeps a process command in the foreground until Ctrl-C / SIGTERM, then closes what it started. */
final class Foreground {

    private Foreground() {
    }

    static void runUntilStopped(AutoCloseable running) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
