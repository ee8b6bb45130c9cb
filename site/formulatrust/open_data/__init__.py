"""Open data: downloads, API conventions, the OpenAPI document, the data dictionary."""
