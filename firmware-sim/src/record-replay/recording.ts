// The recording format (CONTRACT §7) lives in libs/contracts: the server's replay reads it too,
// and the server does not depend on the simulator.
export { encodeRecordedLine, messageBytes, parseRecording, readRecording, RecordingError, type RecordedMessage, type RecordingProblem } from '@estate-watch/contracts';
