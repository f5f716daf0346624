//! The benchmark keeps working: a quick run completes every workload on
//! every path it applies to and writes the report (figures are not judged
//! here; speed is measured by the benchmark itself, see README).

use std::process::Command;
use winsock_tests::host_binary;

#[test]
fn quick_benchmark_run_reports_every_workload_on_every_path() {
    let out = std::env::temp_dir().join(format!("winsock-bench-{}.json", std::process::id()));
    let status = Command::new(host_binary("winsock-bench"))
        .args([
            "--quick",
            "--rounds",
            "1",
            "--no-pin",
            "--out",
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
    assert_eq!(rows.len(), 9, "{report}");
    for row in &rows {
        assert!(
            !row.contains("\"winsock\": null"),
            "winsock figure missing: {row}"
        );
        assert!(
            !row.contains("\"wasi_sockets\": null"),
            "wasi:sockets figure missing: {row}"
        );
    }
    let native_rows = rows
        .iter()
        .filter(|r| !r.contains("\"native\": null"))
        .count();
    assert_eq!(
        native_rows, 5,
        "native applies to the five socket workloads"
    );
    let _ = std::fs::remove_file(out);
}
