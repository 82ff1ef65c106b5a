"""Master data editing for staff (catalog, suppliers, locations). The ledger is read
only here: stock changes only through the services."""

from django.contrib import admin

from .models import Location, Part, StockMove, Supplier


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "category", "attribute_class", "list_price", "cost",
                    "is_key_part", "is_accessory", "is_active"]
    list_filter = ["group", "category", "attribute_class", "is_key_part", "is_accessory"]
    search_fields = ["number", "name", "name_pinyin", "name_initials"]
    raw_id_fields = ["superseded_by"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact", "phone", "lead_time_days", "is_active"]
    list_filter = ["group", "kind"]
    search_fields = ["name"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["code", "store", "kind", "is_active", "frozen_by"]
    list_filter = ["store", "kind"]
    search_fields = ["code"]
    readonly_fields = ["frozen_by"]


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    list_display = ["created_at", "store", "kind", "part", "location", "quantity", "unit_cost"]
    list_filter = ["store", "kind"]
    search_fields = ["part__number", "document_id", "lot__batch"]
    list_select_related = ["store", "part", "location"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
