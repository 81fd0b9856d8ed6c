"""Integration-test harness for emqxd: broker lifecycle and test clients."""
from .broker import Broker, BrokerError, free_port, is_mosquitto, port_accepts, wait_until  # noqa: F401
from .clients import Client, MosquittoSub, RawClient, mosquitto_pub, use_shared_broker  # noqa: F401
from . import mqttbytes  # noqa: F401
from .http_api import Api, Response, shared_api_broker_fixtures, start_api_broker  # noqa: F401
