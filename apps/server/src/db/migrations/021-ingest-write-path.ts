// Schema v21 (issue 9.2): one index fewer to write for every stored message. Nothing reads
// device_messages by (site, device, received_at): the server reads by seq (handlers' cursors,
// the urgent lane's device_messages_device_seq), and a device's messages in arrival order come
// from that index too. On PGlite each index entry is WASM on the server's own thread.
export const up = /* sql */ `
DROP INDEX IF EXISTS device_messages_device;
`;
