"""The settings register: the authority's schools and settings, and what each can ordinarily
meet per needs domain (capabilities, readiness). The models live with the authority
(``valuing_send.authorities.models``: children point at a setting); the pages and the
services that read the needs framework and the rules' readiness live here, above both."""
