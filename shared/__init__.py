"""Building blocks every Puente service imports: settings, events, bus, outbox, auth, HTTP, logging."""
