from .master import (
    LabourOperation,
    LabourRate,
    LabourTime,
    Payer,
    ROCategory,
    ServiceSettings,
    StoreCalendarDay,
    TechnicianShift,
)
from .orders import (
    Appointment,
    AppointmentChannel,
    Concern,
    Inspection,
    Job,
    JobClock,
    PartLine,
    RepairOrder,
)
from .states import (
    APPOINTMENT_FLOW,
    JOB_FLOW,
    RO_FLOW,
    AppointmentStatus,
    ApprovalChannel,
    JobStatus,
    ROStatus,
)

__all__ = [
    "APPOINTMENT_FLOW",
    "JOB_FLOW",
    "RO_FLOW",
    "Appointment",
    "AppointmentChannel",
    "AppointmentStatus",
    "ApprovalChannel",
    "Concern",
    "Inspection",
    "Job",
    "JobClock",
    "JobStatus",
    "LabourOperation",
    "LabourRate",
    "LabourTime",
    "PartLine",
    "Payer",
    "ROCategory",
    "ROStatus",
    "RepairOrder",
    "ServiceSettings",
    "StoreCalendarDay",
    "TechnicianShift",
]
from .resources import (  # warranty area: SV-19, SV-20
    Calibration,
    CalibrationState,
    Equipment,
    EquipmentKind,
    EquipmentLog,
    EquipmentLogKind,
    KnowledgeEntry,
    KnowledgeStatus,
    ToolLoan,
)
from .warranty import (  # warranty area: SV-17, SV-18
    CLAIM_FLOW,
    ClaimLineKind,
    ClaimStatus,
    FailedPartTag,
    MaintenancePlan,
    TagStatus,
    WarrantyClaim,
    WarrantyClaimLine,
)

__all__ += [
    "CLAIM_FLOW", "Calibration", "CalibrationState", "ClaimLineKind", "ClaimStatus",
    "Equipment", "EquipmentKind", "EquipmentLog", "EquipmentLogKind", "FailedPartTag",
    "KnowledgeEntry", "KnowledgeStatus", "MaintenancePlan", "TagStatus", "ToolLoan",
    "WarrantyClaim", "WarrantyClaimLine",
]
