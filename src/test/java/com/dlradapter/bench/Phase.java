package com.dlradapter.bench;

/** What a phase's load generator saw, and the CPU spent in its measured window. */
record Phase(LoadGenerator.Result load, CpuWindow.Usage cpu) {

    /**
     * CPU milliseconds per 2xx answer (a receipt; for the ceiling a request): the CPU rate over
     * the CPU window divided by the answer rate over the load window, so a CPU reading taken a
     * little late on the busy machine does not skew it (and per receipt x receipts/s = cores).
     */
    double perAnswer(double millis) {
        return millis / cpu.wallSeconds() / load.okPerSecond();
    }
}
