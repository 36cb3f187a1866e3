export type SimLogLevel = 'info' | 'warn' | 'error';
/** Where the simulator, recorder and replayer say what happened. */
export type SimLog = (level: SimLogLevel, message: string) => void;

export const consoleLog: SimLog = (level, message) => {
  const line = `[estate-sim] ${message}`;
  if (level === 'info') console.log(line);
  else if (level === 'warn') console.warn(line);
  else console.error(line);
};

export const silentLog: SimLog = () => undefined;
