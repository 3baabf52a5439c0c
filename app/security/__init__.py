"""Who may do what, and what no request may do: access tokens and roles, the role checks routes and
pages depend on, security headers, request body limits. (The sign-in page is in ``app.web.login``.)"""
