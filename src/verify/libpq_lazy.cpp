// libpq, loaded on first use. Linking libpq makes the loader map it and its ~20 dependencies (Kerberos, LDAP,
// GnuTLS, OpenSSL, SASL...) and run their constructors at every start: ~5 ms of a pre-commit hook's 20 ms budget
// (issue 3), for a library only `verify` and `scan --verify` call. The executable does not link libpq; these
// definitions of the libpq functions verify/ uses dlopen() libpq.so.5 the first time one is called and forward
// to it. The declarations come from libpq-fe.h, so a signature mismatch does not compile. When libpq cannot be
// loaded, every call fails the way libpq reports failures (null connection, CONNECTION_BAD, an error message).
#include <libpq-fe.h>

#include "util/lazy_library.hpp"

namespace {

constinit dsnguard::util::LazyLibrary g_libpq("libpq.so.5");

char k_unavailable[] = "libpq.so.5 could not be loaded\n";

}  // namespace

// Each forwarder resolves its symbol once (thread-safe static) and returns `fallback` when libpq is missing.
#define DSNGUARD_PQ_FORWARD(ret, name, fallback, params, args)                                                     \
  extern "C" ret name params                                                                                       \
  {                                                                                                                \
    static const auto fn = reinterpret_cast<decltype(&::name)>(g_libpq.symbol(#name));                               \
    if (fn == nullptr) {                                                                                           \
      return fallback;                                                                                             \
    }                                                                                                              \
    return fn args;                                                                                                \
  }

DSNGUARD_PQ_FORWARD(PGconn*, PQconnectStartParams, nullptr,
                    (const char* const* keywords, const char* const* values, int expand_dbname),
                    (keywords, values, expand_dbname))
DSNGUARD_PQ_FORWARD(PostgresPollingStatusType, PQconnectPoll, PGRES_POLLING_FAILED, (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(void, PQfinish, , (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(PQconninfoOption*, PQconninfoParse, (errmsg != nullptr ? (*errmsg = k_unavailable, nullptr) : nullptr),
                    (const char* conninfo, char** errmsg), (conninfo, errmsg))
DSNGUARD_PQ_FORWARD(void, PQconninfoFree, , (PQconninfoOption * options), (options))
DSNGUARD_PQ_FORWARD(char*, PQdb, nullptr, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(char*, PQuser, nullptr, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(char*, PQhost, nullptr, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(char*, PQhostaddr, nullptr, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(char*, PQport, nullptr, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(ConnStatusType, PQstatus, CONNECTION_BAD, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(const char*, PQparameterStatus, nullptr, (const PGconn* conn, const char* name), (conn, name))
DSNGUARD_PQ_FORWARD(char*, PQerrorMessage, k_unavailable, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(int, PQsocket, -1, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(int, PQconnectionUsedPassword, 0, (const PGconn* conn), (conn))
DSNGUARD_PQ_FORWARD(int, PQsslInUse, 0, (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(const char*, PQsslAttribute, nullptr, (PGconn * conn, const char* name), (conn, name))
DSNGUARD_PQ_FORWARD(PGVerbosity, PQsetErrorVerbosity, PQERRORS_DEFAULT, (PGconn * conn, PGVerbosity verbosity),
                    (conn, verbosity))
DSNGUARD_PQ_FORWARD(int, PQsetnonblocking, -1, (PGconn * conn, int arg), (conn, arg))
DSNGUARD_PQ_FORWARD(int, PQflush, -1, (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(int, PQsendQuery, 0, (PGconn * conn, const char* query), (conn, query))
DSNGUARD_PQ_FORWARD(PGresult*, PQgetResult, nullptr, (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(int, PQconsumeInput, 0, (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(int, PQisBusy, 0, (PGconn * conn), (conn))
DSNGUARD_PQ_FORWARD(ExecStatusType, PQresultStatus, PGRES_FATAL_ERROR, (const PGresult* res), (res))
DSNGUARD_PQ_FORWARD(char*, PQresultErrorMessage, k_unavailable, (const PGresult* res), (res))
DSNGUARD_PQ_FORWARD(int, PQntuples, 0, (const PGresult* res), (res))
DSNGUARD_PQ_FORWARD(int, PQnfields, 0, (const PGresult* res), (res))
DSNGUARD_PQ_FORWARD(char*, PQgetvalue, nullptr, (const PGresult* res, int row, int field), (res, row, field))
DSNGUARD_PQ_FORWARD(void, PQclear, , (PGresult * res), (res))
DSNGUARD_PQ_FORWARD(void, PQfreemem, , (void* ptr), (ptr))

#undef DSNGUARD_PQ_FORWARD
