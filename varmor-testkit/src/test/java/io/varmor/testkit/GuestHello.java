package io.varmor.testkit;

/** Tiny main run inside the guest by {@link LabCommandLoopInLabTest}. */
public final class GuestHello {
    private GuestHello() {
    }

    public static void main(String[] args) {
        System.out.println("hello " + String.join(",", args) + " from " + System.getProperty("os.version"));
    }
}
