#pragma once
// The decisive fields (core/event_details.h) each format's records carry, into
// Event::details: one function per format, called at the end of its mapping.

#include "core/event.h"
#include "formats/record.h"

namespace vigil::formats {

// Suricata EVE: an alert's signature, category and id; an HTTP record's (or an alert's http
// object's) method, status, size and user agent.
void SuricataDetails(Record& f, Event& ev);
// Windows: a process's image, command line and parent; a Kerberos ticket's service and
// encryption type (4768, 4769); an installed service's name and binary (7045, 4697).
void WindowsDetails(Record& f, Event& ev);
// CloudTrail: the service and API called, the target resource, the account, the user agent.
void CloudTrailDetails(Record& f, Event& ev);
// Zeek: http.log's method, status, size and user agent; kerberos.log's service and cipher;
// notice.log's note as the signature.
void ZeekDetails(Record& f, Event& ev, std::string_view log);
// ECS names in any JSON event: rule.name and rule.category, http.request.method,
// http.response.status_code and body size, user_agent.original, process.executable,
// process.command_line, process.parent.executable.
void GenericDetails(Record& f, Event& ev);

}  // namespace vigil::formats
