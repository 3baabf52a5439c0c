"""Who may do what: access tokens and roles, the sign-in page, security headers, request body limits."""
