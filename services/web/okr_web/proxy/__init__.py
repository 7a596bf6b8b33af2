"""The thin proxy: `/api/<service>/...` forwarded to the service's `/...`."""
