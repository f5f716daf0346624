//! Issue 5, peer faults: the native peer resets mid-transfer, half-closes,
//! stops reading, or closes during a lingering close. The guest sees the
//! codes docs/ names, and the host goes on serving it.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::time::Duration;
use winsock_host::command::Exit;
use winsock_tests::*;

const T: Duration = Duration::from_secs(20);

#[test]
fn the_guest_sees_spec_codes_when_its_peer_misbehaves() {
    let (l, port) = listener();
    let guest = spawn(
        "conformance",
        &["peer-faults", &port.to_string()],
        GuestConfig::default(),
    );

    // 1. 1000 bytes, then a reset (SO_LINGER {1,0} close).
    let s = accept_within(&l, T).expect("connection 1");
    (&s).write_all(&[1u8; 1000]).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    socket2::SockRef::from(&s)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(s);

    // 2. 500 bytes, then a half-close; the guest still talks to us.
    let mut s = accept_within(&l, T).expect("connection 2");
    s.write_all(&[2u8; 500]).unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    let (rest, end) = read_to_end(&mut s, T);
    assert_eq!(rest, b"still talking");
    assert_eq!(end, PeerEnd::Eof, "the guest's graceful close");

    // 3. Never read: the guest's sends stall until its SO_SNDTIMEO.
    let stalled = accept_within(&l, T).expect("connection 3");
    guest.wait_for_line("peer not reading", T);
    drop(stalled);

    // 4. Close (with unread data: a reset) while the guest lingers.
    let lingering = accept_within(&l, T).expect("connection 4");
    guest.wait_for_line("lingering", T);
    std::thread::sleep(Duration::from_millis(200));
    drop(lingering);

    let mut fresh = accept_within(&l, T).expect("connection 5");
    let mut ok = [0u8; 2];
    fresh.read_exact(&mut ok).unwrap();
    assert_eq!(&ok, b"ok");

    let (exit, out) = guest.finish();
    assert!(matches!(exit, Exit::Code(0)), "{exit:?}\n{out}");
    assert_eq!(
        out,
        "reset mid-transfer: 1000 bytes, then Err(10054)
recv again: Err(10054)
send after the reset: Err(10054)
half-close: 500 bytes, then Ok(0)
send after the peer's FIN: Ok(())
graceful close: Ok(())
peer not reading: send failed 10060
lingering
lingering close ended by the peer: Ok(()), in under 5 s: true
fresh connection afterwards: Ok(())
"
    );
}
