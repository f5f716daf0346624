// A Winsock echo client in JavaScript, run as a component under winsock-run:
//
//     js-app.wasm ADDR:PORT LINE...
//
// It imports the winsock:ws2 WIT package directly (componentize-js turns the
// WIT imports into ES modules). Failures print the WSA error code and exit 1.

import { startup, cleanup, errorNumber } from 'winsock:ws2/lifecycle@0.2.0';
import {
  socket, connect, send, recv, closesocket, setsockopt, getsockopt,
} from 'winsock:ws2/sockets@0.2.0';
import { getArguments } from 'wasi:cli/environment@0.2.12';
import { exit } from 'wasi:cli/exit@0.2.12';

const AF_INET = 2, SOCK_STREAM = 1, SOL_SOCKET = 0xffff, SO_LINGER = 0x80;

class WsaError extends Error {
  constructor(call, code) {
    super(`${call} failed: WSA error ${code}`);
    this.code = code;
  }
}

// Calls returning result<_, error-code> throw a ComponentError whose payload
// is the error-code case name; WSAStartup's payload is a record with `code`.
function wsa(call, f) {
  try {
    return f();
  } catch (e) {
    const payload = e.payload ?? e;
    const code = typeof payload === 'string' ? payload : payload.code;
    throw new WsaError(call, errorNumber(code));
  }
}

function echoClient(addr, lines) {
  const [host, port] = addr.split(':');
  const data = wsa('WSAStartup', () => startup(0x0202, true));
  console.log(`WSAStartup: Winsock ${data.version & 0xff}.${data.version >> 8}`);
  try {
    const s = wsa('socket', () => socket(AF_INET, SOCK_STREAM, 0));
    const ipv4 = { port: Number(port), address: host.split('.').map(Number) };
    wsa('connect', () => connect(s, { tag: 'ipv4', val: ipv4 }));
    for (const line of lines) {
      wsa('send', () => send(s, new TextEncoder().encode(`${line}\n`), 0));
      let echoed = '';
      while (!echoed.endsWith('\n')) {
        // recv returns what it received, and an error when it delivered
        // data and failed all the same (a cut datagram; not on a stream).
        const got = wsa('recv', () => recv(s, 4096, 0));
        if (got.error !== undefined) throw new WsaError('recv', errorNumber(got.error));
        if (got.data.length === 0) throw new WsaError('recv (server closed)', errorNumber('wsaeconnreset'));
        echoed += new TextDecoder().decode(got.data);
      }
      console.log(`echo: ${echoed.trim()}`);
    }
    // SO_LINGER {1, 5}: a graceful close that waits up to 5 s.
    wsa('setsockopt', () => setsockopt(s, SOL_SOCKET, SO_LINGER, new Uint8Array([1, 0, 5, 0])));
    console.log(`SO_LINGER now ${Array.from(wsa('getsockopt', () => getsockopt(s, SOL_SOCKET, SO_LINGER, 4)))}`);
    wsa('closesocket', () => closesocket(s));
  } finally {
    wsa('WSACleanup', () => cleanup());
    console.log('WSACleanup: done');
  }
}

export const run = {
  run() {
    const args = getArguments().slice(1);
    try {
      echoClient(args[0], args.slice(1));
    } catch (e) {
      console.log(`error: ${e.message}`);
      exit({ tag: 'err' });
    }
  },
};
