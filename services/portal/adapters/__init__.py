"""The portal's adapters: its SQL stores, the clients of the vacancies and matching services, and fakes."""
