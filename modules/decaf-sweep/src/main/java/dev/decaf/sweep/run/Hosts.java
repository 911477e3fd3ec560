package dev.decaf.sweep.run;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, as claims record it. */
final class Hosts {

    private static final String NAME = lookUp();

    private Hosts() {}

    static String name() {
        return NAME;
    }

    private static String lookUp() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
