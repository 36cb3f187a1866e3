/** What health needs from the broker side: whether devices can reach us now. */
export interface MqttStatus {
  isUp(): boolean;
}

export const MQTT_STATUS = Symbol('MQTT_STATUS');
