// vigil init: create a store or migrate it to this build's schema.
#include <ostream>

#include "cli/commands.h"
#include "core/json.h"
#include "store/schema.h"
#include "store/store.h"

namespace vigil::cli {

Status RunInit(const Context& ctx, const InitOptions& /*options*/) {
  auto db = store::OpenStore(ctx.global.db, store::StoreAccess::kCreate);
  if (!db) return db.error();
  auto id = store::StoreId(*db);
  if (!id) return id.error();
  if (ctx.global.format == OutputFormat::kJson) {
    JsonWriter w;
    w.BeginObject()
        .Key("store")
        .String(ctx.global.db)
        .Key("store_id")
        .String(*id)
        .Key("schema_version")
        .Int(store::kSchemaVersion)
        .EndObject();
    ctx.out << w.str() << "\n";
  } else if (!ctx.global.quiet) {
    ctx.out << "store " << ctx.global.db << " ready (id " << *id << ", schema version "
            << store::kSchemaVersion << ")\n";
  }
  return {};
}

}  // namespace vigil::cli
