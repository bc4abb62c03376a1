"""Places (ISO 3166-1 countries, UN M49 regions), topics, frameworks and their terms."""
