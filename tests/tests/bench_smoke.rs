//! The benchmark keeps working: a quick run completes every workload on
//! every path it applies to and writes the report where `--report` says
//! (figures are not judged here; speed is measured by the benchmark
//! itself, see README).

use std::process::Command;
use winsock_tests::host_binary;

#[test]
fn quick_benchmark_run_reports_every_workload_on_every_path() {
    let out = std::env::temp_dir().join(format!("winsock-bench-{}.json", std::process::id()));
    // Run from the checkout's root: the bench finds its guests under
    // ./target (or CARGO_TARGET_DIR) at run time.
    let status = Command::new(host_binary("winsock-bench"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args([
            "--quick",
            "--rounds",
            "1",
            "--no-pin",
            "--report",
            out.to_str().unwrap(),
        ])
        .output()
        .expect("run winsock-bench (built by cargo build --release)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let report = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("\"workload\""))
        .collect();
    assert_eq!(rows.len(), 14, "{report}");
    for row in &rows {
        assert!(
            !row.contains("\"winsock\": null"),
            "winsock figure missing: {row}"
        );
        // The guest echo servers (Rust and C) have no wasi:sockets twin,
        // nor has the winsock call trace.
        let winsock_only =
            row.contains("\"workload\": \"echo server") || row.contains("call trace filtered off");
        assert_eq!(
            row.contains("\"wasi_sockets\": null"),
            winsock_only,
            "wasi:sockets figure: {row}"
        );
    }
    let native_rows = rows
        .iter()
        .filter(|r| !r.contains("\"native\": null"))
        .count();
    assert_eq!(
        native_rows, 10,
        "native applies to the five client workloads, the trace row and the four server rows"
    );
    let _ = std::fs::remove_file(out);
}
