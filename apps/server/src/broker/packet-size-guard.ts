// A packet-size cap that holds before authentication. aedes (through mqtt-packet) buffers a
// packet until its declared remaining length has arrived, whatever that length is: a 100 MiB
// CONNECT grew the process by ~100 MiB before any credential was checked. This guard sits
// between the socket and aedes, reads each MQTT fixed header as bytes pass, and cuts the
// connection as soon as a declared remaining length exceeds the cap, before the body is buffered.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { ReadGate } from './read-gate';

/** 16 KiB: a device payload is at most 4096 bytes (CONTRACT §1) plus topic and headers. */
export const DEFAULT_MAX_PACKET_BYTES = 16 * 1024;

/**
 * Follows packet boundaries through a byte stream. Fixed header: one type byte, then the
 * remaining length as 1–4 bytes of 7 bits each, low first [MQTT-2.2.3].
 */
export class FrameSizeScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly maxRemainingLength: number) {}

  /** Why the connection must be cut, or undefined to let the bytes through. */
  scan(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      // The length read so far is a lower bound: cut as early as it is over.
      if (this.length > this.maxRemainingLength) {
        return `packet declares ${this.length}+ bytes, over the ${this.maxRemainingLength}-byte cap`;
      }
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return 'malformed remaining length (more than 4 bytes)'; // [MQTT-2.2.3]
        continue;
      }
      this.bodyLeft = this.length;
      this.state = this.length === 0 ? 'type' : 'body';
    }
    return undefined;
  }
}

/**
 * Wraps a socket for aedes.handle(): bytes pass through unchanged and unbuffered beyond the
 * stream's own high-water mark, while the scanner watches every fixed header. With a read gate,
 * a chunk that arrives while the gate is closed is passed on, and the socket is not read again
 * until the gate opens (read-gate.ts: ingest's commit queue is long).
 */
export class PacketSizeGuard extends Duplex {
  private readonly scanner: FrameSizeScanner;
  /** aedes wants more: its side of this stream is below the high-water mark. */
  private wanted = true;
  /** Waiting for the read gate to open. */
  private held = false;

  constructor(
    private readonly socket: Socket,
    maxPacketBytes: number,
    onOversize: (reason: string, socket: Socket) => void,
    private readonly gate?: ReadGate,
  ) {
    super({ allowHalfOpen: false });
    this.scanner = new FrameSizeScanner(maxPacketBytes);
    socket.on('data', (chunk: Buffer) => {
      const problem = this.scanner.scan(chunk);
      if (problem) {
        onOversize(problem, socket);
        socket.destroy();
        this.destroy();
        return;
      }
      if (!this.push(chunk)) this.wanted = false;
      if (!this.held && this.gate?.closed) {
        this.held = true;
        this.gate.hold(this.release);
      }
      if (!this.wanted || this.held) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (error) => this.destroy(error));
  }

  private readonly release = (): void => {
    this.held = false;
    if (this.wanted && !this.destroyed) this.socket.resume();
  };

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  override _read(): void {
    this.wanted = true;
    if (!this.held) this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.write(chunk)) callback();
    else this.socket.once('drain', () => callback());
  }

  /**
   * What aedes wrote in one tick (a grouped commit's PUBACKs to this device) leaves in one
   * socket write: mqtt-packet corks the stream per packet, and without this each packet was a
   * system call of its own (6 % of the server's time under load, issue 9.8).
   */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this._write(chunks.length === 1 ? (chunks[0] as { chunk: Buffer }).chunk : Buffer.concat(chunks.map((c) => c.chunk)), 'binary', callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
